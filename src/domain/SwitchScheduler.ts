import type { SwitchService } from './SwitchService.js';

/**
 * Ends notice periods (UC-03.04 step 4): every `pollMs` the switches whose notice period is over are completed
 * (or rejected). The state lives in the switch records, so a restart picks up where the last process stopped;
 * a switch left waiting by an unavailable consent solution is tried again on the next tick.
 */
export class SwitchScheduler {
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(private readonly args: { switches: SwitchService; pollMs: number; warn: (message: string) => void }) {}

  start(): void {
    this.timer ??= setInterval(() => {
      this.running ??= this.args.switches.completeDue().catch((error: unknown) => this.args.warn(`completing switches failed: ${(error as Error).message}`)).finally(() => {
        this.running = undefined;
      });
    }, this.args.pollMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
