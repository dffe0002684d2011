// A one-line progress display on stderr: a bar with counts and rates when stderr is a terminal, and a plain
// line every few seconds (plus a final one) when it is a file or a pipe, so logs stay readable.

function human(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${n.toFixed(i ? 1 : 0)} ${units[i]}`;
}

export class Progress {
  private done = 0;
  private bytes = 0;
  private readonly started = Date.now();
  private lastDraw = 0;
  private readonly tty: boolean;
  private extra = '';

  constructor(
    private readonly label: string,
    private total: number | undefined,
    private readonly out: NodeJS.WriteStream = process.stderr,
  ) {
    this.tty = Boolean(out.isTTY);
  }

  setTotal(total: number): void {
    this.total = total;
  }

  /** Count `n` more items (and their bytes), with an optional short status such as "3 skipped". */
  tick(n = 1, bytes = 0, extra?: string): void {
    this.done += n;
    this.bytes += bytes;
    if (extra !== undefined) this.extra = extra;
    this.draw(false);
  }

  status(extra: string): void {
    this.extra = extra;
    this.draw(false);
  }

  /** Print a message above the bar. */
  log(message: string): void {
    if (this.tty) this.out.write('\r\x1b[2K');
    this.out.write(`${message}\n`);
    this.draw(true);
  }

  finish(): void {
    this.draw(true, true);
    if (this.tty) this.out.write('\n');
  }

  private line(): string {
    const secs = Math.max((Date.now() - this.started) / 1000, 0.001);
    const rate = `${(this.done / secs).toFixed(1)}/s`;
    const bytes = this.bytes ? ` ${human(this.bytes)} (${human(this.bytes / secs)}/s)` : '';
    const extra = this.extra ? ` ${this.extra}` : '';
    if (this.total === undefined) return `${this.label}: ${this.done} ${rate}${bytes}${extra}`;
    const frac = this.total ? Math.min(this.done / this.total, 1) : 1;
    const width = 24;
    const filled = Math.round(frac * width);
    const bar = this.tty ? `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ` : '';
    return `${this.label}: ${bar}${this.done}/${this.total} ${(frac * 100).toFixed(0)}% ${rate}${bytes}${extra}`;
  }

  private draw(force: boolean, final = false): void {
    const now = Date.now();
    const every = this.tty ? 100 : 5000;
    if (!force && now - this.lastDraw < every) return;
    if (!this.tty && !final && force) return;
    this.lastDraw = now;
    if (this.tty) this.out.write(`\r\x1b[2K${this.line()}`);
    else this.out.write(`${this.line()}\n`);
  }
}
