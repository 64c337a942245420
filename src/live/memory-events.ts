import type { FigureEvent, FigureEvents } from './events';

/**
 * The bus of one process: what a gateway without Redis uses, and what the Redis adapter delivers
 * its own and the others' events through. A listener that throws is reported to `onListenerError`
 * and does not keep the event from the others.
 */
export class MemoryFigureEvents implements FigureEvents {
  readonly connected: boolean = true;
  private readonly listeners = new Set<(event: FigureEvent) => void>();

  constructor(private readonly onListenerError: (error: unknown) => void = () => undefined) {}

  publish(event: FigureEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }

  listen(listener: (event: FigureEvent) => void): () => void {
    this.listeners.add(listener);
    return () => { this.listeners.delete(listener); };
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }
}
