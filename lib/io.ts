/** Where a command writes: the console, or a buffer in tests. Only entry points print; everything else returns data. */
export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
}

export const consoleIo: Io = { out: (t) => console.log(t), err: (t) => console.error(t) };
