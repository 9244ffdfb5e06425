import { useEffect, useState, type RefObject } from 'react';
import { containedPicture, type Rect } from '../../analytics/zoneGeometry.js';

const sameRect = (a: Rect | null, b: Rect) => a !== null && a.left === b.left && a.top === b.top && a.width === b.width && a.height === b.height;

/**
 * Where the camera's picture sits inside `video` (letterboxed by `object-fit: contain`), in the
 * element's own pixels; followed through resizes of the element and of the stream. null while
 * not `enabled` (tiles without an overlay do not watch).
 */
export function usePictureRect(videoRef: RefObject<HTMLVideoElement | null>, enabled: boolean): Rect | null {
  const [rect, setRect] = useState<Rect | null>(null);
  useEffect(() => {
    const video = videoRef.current;
    if (!enabled || !video) {
      setRect(null);
      return;
    }
    const update = () => {
      const picture = video.videoWidth > 0 ? { width: video.videoWidth, height: video.videoHeight } : null;
      const next = containedPicture({ width: video.clientWidth, height: video.clientHeight }, picture);
      setRect((previous) => (sameRect(previous, next) ? previous : next));
    };
    update();
    const observer = new ResizeObserver(update);
    observer.observe(video);
    // `resize` fires when the stream's picture size changes (the first frame, a new producer).
    video.addEventListener('resize', update);
    video.addEventListener('loadedmetadata', update);
    return () => {
      observer.disconnect();
      video.removeEventListener('resize', update);
      video.removeEventListener('loadedmetadata', update);
    };
  }, [videoRef, enabled]);
  return rect;
}
