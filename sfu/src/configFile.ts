import { readFile } from 'node:fs/promises';
import { ConfigError, parseSfuConfigText, type SfuConfig } from '@argus/shared';

/**
 * Read and validate the SFU's JSON configuration file.
 * @throws ConfigError when the file cannot be read, is not JSON, or a field is bad (named in the message).
 */
export async function loadConfigFile(path: string): Promise<SfuConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`${path}: cannot read: ${(error as Error).message}`);
  }
  return parseSfuConfigText(text, path);
}
