/**
 * The gallery's quantised scans in WebAssembly SIMD (128-bit), hand-assembled here (no toolchain,
 * no dependency):
 *
 * - `scan4`: every row of a 4-bit code matrix against the query, with the row's bound terms.
 *   A row is `stride` bytes: `stride − 16` code bytes (a multiple of 64; two dimensions a byte),
 *   then two float64, the row's scale a and residual norm e. The code bytes come in 16-byte
 *   chunks; chunk `c` holds dimensions `32c..32c+31` as unsigned codes 0..15, four to a
 *   little-endian 16-bit lane: lane `l` (bytes 2l, 2l+1) has dimension `32c + 8g + l` in bits
 *   `4g..4g+3` (see {@link nibbleAt}). For dot = Σ_i query[i] × code[i] (exact, int32) it writes
 *   two float64 a row: estimate = qc + a·b·(dot − offset) and upper = estimate + qNorm·e + c1.
 *   Standard SIMD variant: int16 query, i32x4.dot_i16x8_s (x86 pmaddwd) on each nibble lane.
 *   Relaxed SIMD variant (where the runtime has it: Node ≥ 22, or Node 20 with
 *   --experimental-wasm-relaxed-simd): int8 query (see {@link relaxedQueryAt}),
 *   i16x8.relaxed_dot_i8x16_i7x16_s (x86 pmaddubsw), half the multiplies. Codes are 0..15, so the
 *   relaxed dot's implementation-defined cases (top bit set, 16-bit overflow) never arise: both
 *   variants give the same dot.
 * - `scan8`: listed rows of an int8 code matrix (`rowBytes` codes a row, a multiple of 64)
 *   against an int16 query. Output: one int32 per listed row, Σ_j query[j] × code[j].
 *
 * Integer sums are exact as long as the true sum fits in int32 (wrap-around in between does not
 * matter): callers keep |query| within {@link int16QueryLimit}. Memory is the instance's own
 * `WebAssembly.Memory`, grown by the caller.
 */

const uleb = (value: number): number[] => {
  const out: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    out.push(byte);
  } while (value !== 0);
  return out;
};
const sleb = (value: number): number[] => {
  const out: number[] = [];
  for (;;) {
    const byte = value & 0x7f;
    value >>= 7;
    const done = (value === 0 && (byte & 0x40) === 0) || (value === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
};
const name = (text: string): number[] => [...uleb(text.length), ...Array.from(text, (c) => c.charCodeAt(0))];
const vector = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, bytes: number[]): number[] => [id, ...uleb(bytes.length), ...bytes];

const I32 = 0x7f;
const F64 = 0x7c;
const V128 = 0x7b;
const get = (local: number) => [0x20, ...uleb(local)];
const set = (local: number) => [0x21, ...uleb(local)];
const tee = (local: number) => [0x22, ...uleb(local)];
const i32 = (value: number) => [0x41, ...sleb(value)];
const ADD = [0x6a];
const SUB = [0x6b];
const MUL = [0x6c];
const LT_U = [0x49];
const GE_U = [0x4f];
const F64_LOAD = (offset: number) => [0x2b, 3, ...uleb(offset)];
const F64_STORE = (offset: number) => [0x39, 3, ...uleb(offset)];
const F64_ADD = [0xa0];
const F64_SUB = [0xa1];
const F64_MUL = [0xa2];
const F64_CONVERT_I32_S = [0xb7];
const simd = (op: number) => [0xfd, ...uleb(op)];
/** v128.load (align 16) or a load-and-extend (op 0x01: v128.load8x8_s, align 8) at a static offset. */
const load = (offset: number, op = 0x00, align = 4) => [...simd(op), align, ...uleb(offset)];
const ZERO = [...simd(0x0c), ...new Array<number>(16).fill(0)];
const AND = simd(0x4e);
const I8X16_SPLAT = simd(0x0f);
const I16X8_SPLAT = simd(0x10);
const I16X8_SHR_U = simd(0x8d);
const I16X8_ADD = simd(0x8e);
const I32X4_EXTADD_PAIRWISE_I16X8_S = simd(0x7e);
const I32X4_ADD = simd(0xae);
const I32X4_DOT_I16X8_S = simd(0xba);
const I16X8_RELAXED_DOT_I8X16_I7X16_S = simd(0x112);
const lane = (index: number) => [...simd(0x1b), index];
/** Push the horizontal sum (i32) of int32x4 local `acc`. */
const sum = (acc: number) => [...get(acc), ...lane(0), ...get(acc), ...lane(1), ...ADD, ...get(acc), ...lane(2), ...ADD, ...get(acc), ...lane(3), ...ADD];

/**
 * scan4(codes, n, stride, query, out, qc, b, offset, qNorm, c1): params 0-4 i32, 5-9 f64.
 * Locals: 10 end, 11 p, 12 codeEnd, 13 qp (i32); 14 dot (i32); 15 est (f64); 16.. v128 (variant's).
 * Each variant's inner loop eats 64 code bytes (128 dimensions) and leaves int32x4 sums in the
 * returned accumulator locals.
 */
function scan4Body(relaxed: boolean): number[] {
  const [acc, accB, v, mask, a16, b16] = [16, 17, 18, 19, 20, 21];
  const c: number[] = [];
  c.push(...(relaxed ? [...i32(0x0f), ...I8X16_SPLAT] : [...i32(0x0f), ...I16X8_SPLAT]), ...set(mask));
  c.push(...get(0), ...get(1), ...get(2), ...MUL, ...ADD, ...set(10), ...get(0), ...set(11));
  c.push(0x02, 0x40, 0x03, 0x40, ...get(11), ...get(10), ...GE_U, 0x0d, 1);
  c.push(...ZERO, ...tee(acc), ...set(accB), ...get(11), ...get(2), ...ADD, ...i32(16), ...SUB, ...set(12), ...get(3), ...set(13));
  c.push(0x03, 0x40);
  if (relaxed) {
    // 16 code bytes = 16 low nibbles + 16 high nibbles; the query holds the matching int8s
    // (32 bytes a chunk). Int16 lanes take 4 dots of ≤ 2 × 15 × 127 each: no overflow.
    c.push(...ZERO, ...tee(a16), ...set(b16));
    for (let k = 0; k < 4; k++) {
      c.push(...get(11), ...load(16 * k), ...set(v));
      c.push(...get(a16), ...get(13), ...load(32 * k), ...get(v), ...get(mask), ...AND, ...I16X8_RELAXED_DOT_I8X16_I7X16_S, ...I16X8_ADD, ...set(a16));
      c.push(...get(b16), ...get(13), ...load(32 * k + 16), ...get(v), ...i32(4), ...I16X8_SHR_U, ...get(mask), ...AND, ...I16X8_RELAXED_DOT_I8X16_I7X16_S, ...I16X8_ADD, ...set(b16));
    }
    c.push(...get(acc), ...get(a16), ...I32X4_EXTADD_PAIRWISE_I16X8_S, ...I32X4_ADD, ...get(b16), ...I32X4_EXTADD_PAIRWISE_I16X8_S, ...I32X4_ADD, ...set(acc));
    c.push(...get(13), ...i32(128), ...ADD, ...set(13));
  } else {
    // Four nibble lanes of 8 int16 codes each, times 8 int16 query values.
    for (let k = 0; k < 4; k++) {
      c.push(...get(11), ...load(16 * k), ...set(v));
      const nibbles = [
        [...get(v), ...get(mask), ...AND],
        [...get(v), ...i32(4), ...I16X8_SHR_U, ...get(mask), ...AND],
        [...get(v), ...i32(8), ...I16X8_SHR_U, ...get(mask), ...AND],
        [...get(v), ...i32(12), ...I16X8_SHR_U],
      ];
      nibbles.forEach((codes, j) => {
        const into = j % 2 === 0 ? acc : accB;
        c.push(...get(into), ...codes, ...get(13), ...load(64 * k + 16 * j), ...I32X4_DOT_I16X8_S, ...I32X4_ADD, ...set(into));
      });
    }
    c.push(...get(13), ...i32(256), ...ADD, ...set(13));
  }
  c.push(...get(11), ...i32(64), ...ADD, ...tee(11), ...get(12), ...LT_U, 0x0d, 0, 0x0b);
  // p is at the row's float64 pair (a, e).
  c.push(...get(acc), ...get(accB), ...I32X4_ADD, ...set(acc), ...sum(acc), ...set(14));
  c.push(...get(5), ...get(11), ...F64_LOAD(0), ...get(6), ...F64_MUL, ...get(14), ...F64_CONVERT_I32_S, ...get(7), ...F64_SUB, ...F64_MUL, ...F64_ADD, ...set(15));
  c.push(...get(4), ...get(15), ...F64_STORE(0));
  c.push(...get(4), ...get(15), ...get(8), ...get(11), ...F64_LOAD(8), ...F64_MUL, ...F64_ADD, ...get(9), ...F64_ADD, ...F64_STORE(8));
  c.push(...get(4), ...i32(16), ...ADD, ...set(4), ...get(11), ...i32(16), ...ADD, ...set(11), 0x0c, 0, 0x0b, 0x0b);
  return [...vector([[...uleb(5), I32], [...uleb(1), F64], [...uleb(relaxed ? 6 : 4), V128]]), ...c, 0x0b];
}

/** scan8(codes, rowBytes, list, m, query, out). Locals: 6 end (of list), 7 p, 8 rowEnd, 9 qp; 10 a0, 11 a1. */
function scan8Body(): number[] {
  const c: number[] = [];
  c.push(...get(2), ...get(3), ...i32(4), ...MUL, ...ADD, ...set(6));
  c.push(0x02, 0x40, 0x03, 0x40, ...get(2), ...get(6), ...GE_U, 0x0d, 1);
  c.push(...get(0), ...get(2), 0x28, 2, 0, ...get(1), ...MUL, ...ADD, ...tee(7), ...get(1), ...ADD, ...set(8));
  c.push(...ZERO, ...tee(10), ...set(11), ...get(4), ...set(9));
  c.push(0x03, 0x40);
  for (let k = 0; k < 8; k++) {
    const acc = k % 2 === 0 ? 10 : 11;
    c.push(...get(acc), ...get(7), ...load(8 * k, 0x01, 3), ...get(9), ...load(16 * k), ...I32X4_DOT_I16X8_S, ...I32X4_ADD, ...set(acc));
  }
  c.push(...get(9), ...i32(128), ...ADD, ...set(9), ...get(7), ...i32(64), ...ADD, ...tee(7), ...get(8), ...LT_U, 0x0d, 0, 0x0b);
  c.push(...get(10), ...get(11), ...I32X4_ADD, ...set(10), ...get(5), ...sum(10), 0x36, 2, 0);
  c.push(...get(5), ...i32(4), ...ADD, ...set(5), ...get(2), ...i32(4), ...ADD, ...set(2), 0x0c, 0, 0x0b, 0x0b);
  return [...vector([[...uleb(4), I32], [...uleb(2), V128]]), ...c, 0x0b];
}

const SCAN4_TYPE = [0x60, ...vector([[I32], [I32], [I32], [I32], [I32], [F64], [F64], [F64], [F64], [F64]]), 0x00];
const SCAN8_TYPE = [0x60, ...vector([[I32], [I32], [I32], [I32], [I32], [I32]]), 0x00];

/** A module importing env.memory and exporting `functions` (name, type, body). */
function moduleBytes(functions: Array<{ name: string; type: number[]; body: number[] }>): Uint8Array {
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vector(functions.map((f) => f.type))),
    ...section(2, vector([[...name('env'), ...name('memory'), 0x02, 0x00, 0x01]])),
    ...section(3, vector(functions.map((_, i) => uleb(i)))),
    ...section(7, vector(functions.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]))),
    ...section(10, vector(functions.map((f) => [...uleb(f.body.length), ...f.body]))),
  ]);
}

/** The slice of the WebAssembly JS API used here (this package's `lib` has no DOM typings). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Memory: new (descriptor: { initial: number }) => WasmMemory;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { exports: Record<string, unknown> };
  validate(bytes: Uint8Array): boolean;
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

let standardModule: object | undefined;
let relaxedModule: object | null | undefined;

/** The relaxed-SIMD module, or null where the runtime lacks relaxed SIMD (checked once). */
function relaxed(): object | null {
  if (relaxedModule === undefined) {
    const bytes = moduleBytes([{ name: 'scan4', type: SCAN4_TYPE, body: scan4Body(true) }]);
    relaxedModule = wasm.validate(bytes) ? new wasm.Module(bytes) : null;
  }
  return relaxedModule;
}

/** Whether this runtime has WebAssembly relaxed SIMD (Node ≥ 22; Node 20 with --experimental-wasm-relaxed-simd). */
export function relaxedSimdSupported(): boolean {
  return relaxed() !== null;
}

/**
 * Largest |int16 query value| for which a dot with `dimensions` codes of magnitude ≤ `codeMax`
 * (127 for int8, 15 for 4-bit) cannot overflow int32.
 */
export function int16QueryLimit(dimensions: number, codeMax = 127): number {
  return Math.min(32767, Math.floor((2 ** 31 - 1) / (codeMax * dimensions)));
}

/** Where dimension `i` of a 4-bit row lives: byte offset in the row and shift (0 or 4) in that byte. */
export function nibbleAt(i: number): { byte: number; shift: number } {
  const group = (i >> 3) & 3;
  return { byte: 16 * (i >> 5) + 2 * (i & 7) + (group >> 1), shift: 4 * (group & 1) };
}

/** Where dimension `i`'s int8 goes in the relaxed variant's query (bytes; 32 a chunk of 32 dimensions). */
export function relaxedQueryAt(i: number): number {
  const { byte, shift } = nibbleAt(i);
  return 32 * (i >> 5) + (shift === 0 ? 0 : 16) + (byte & 15);
}

type Scan4 = (codes: number, n: number, stride: number, query: number, out: number, qc: number, b: number, offset: number, qNorm: number, c1: number) => void;

/** The kernels over one growable memory (64 KiB pages). */
export class QuantKernels {
  readonly memory: WasmMemory;
  private readonly standard: { scan4: Scan4; scan8: (codes: number, rowBytes: number, list: number, m: number, query: number, out: number) => void };
  private readonly relaxedScan4: Scan4 | undefined;

  constructor(initialBytes = 1 << 16) {
    standardModule ??= new wasm.Module(
      moduleBytes([
        { name: 'scan4', type: SCAN4_TYPE, body: scan4Body(false) },
        { name: 'scan8', type: SCAN8_TYPE, body: scan8Body() },
      ]),
    );
    this.memory = new wasm.Memory({ initial: Math.max(1, Math.ceil(initialBytes / 65536)) });
    this.standard = new wasm.Instance(standardModule, { env: { memory: this.memory } }).exports as unknown as QuantKernels['standard'];
    const module = relaxed();
    this.relaxedScan4 = module ? (new wasm.Instance(module, { env: { memory: this.memory } }).exports.scan4 as Scan4) : undefined;
  }

  /** Whether {@link scan4} can take `relaxed: true` here. */
  get hasRelaxed(): boolean {
    return this.relaxedScan4 !== undefined;
  }

  /** Grow the memory to at least `bytes`; views of the old buffer are then detached. @returns whether it grew */
  ensure(bytes: number): boolean {
    const have = this.memory.buffer.byteLength;
    if (bytes <= have) return false;
    this.memory.grow(Math.ceil((bytes - have) / 65536));
    return true;
  }

  /**
   * Stage 1 over `n` rows of `stride` bytes from byte offset `codes` (see the module doc): float64
   * pairs (estimate, upper) at `out` (8-byte aligned), 16 bytes a row. `query` (16-byte aligned):
   * `2 × (stride − 16)` int16 in dimension order, or with `relaxed` as many int8 placed by
   * {@link relaxedQueryAt}. `b` is the query's scale, `offset` the code offset times Σ query.
   */
  scan4(codes: number, n: number, stride: number, query: number, out: number, qc: number, b: number, offset: number, qNorm: number, c1: number, relaxed = false): void {
    const kernel = relaxed ? this.relaxedScan4 : this.standard.scan4;
    if (!kernel) throw new Error('relaxed SIMD is not available in this runtime');
    kernel(codes, n, stride, query, out, qc, b, offset, qNorm, c1);
  }

  /**
   * For the `m` row indices (int32) at byte offset `list`: int32 at `out + 4i` = Σ_j query[j] ×
   * code_row[j] over the int8 code matrix at `codes` (`rowBytes` codes a row, multiple of 64),
   * `query` being `rowBytes` int16 at byte offset `query` (16-byte aligned).
   */
  scan8(codes: number, rowBytes: number, list: number, m: number, query: number, out: number): void {
    this.standard.scan8(codes, rowBytes, list, m, query, out);
  }
}
