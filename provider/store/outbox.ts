/**
 * The outbox: every email and SMS a sign-in sends (one-time codes), kept so a developer or a
 * test can read the code, newest first, as if from the user's inbox or phone. Bounded: the
 * oldest messages go first.
 */
import { randomUUID } from 'node:crypto';

export interface OutboxMessage {
  id: string;
  channel: 'email' | 'sms';
  to: string;
  code: string;
  sentAt: string;
}

export type OutgoingMessage = Pick<OutboxMessage, 'channel' | 'to' | 'code'>;

/** Where messages are kept: this process (below), or Redis, shared by every instance. */
export interface OutboxStore {
  send(message: OutgoingMessage): Promise<OutboxMessage>;
  /** Newest first; only those to `to` (any case) when given. */
  list(to?: string): Promise<OutboxMessage[]>;
  clear(): Promise<void>;
}

export const outboxLimit = 200;

export function outboxMessage(message: OutgoingMessage): OutboxMessage {
  return { id: randomUUID(), ...message, sentAt: new Date().toISOString() };
}

export function addressedTo(to: string | undefined) {
  const wanted = to?.trim().toLowerCase();
  return (message: OutboxMessage) => wanted === undefined || message.to.toLowerCase() === wanted;
}

export class Outbox implements OutboxStore {
  #messages: OutboxMessage[] = [];

  async send(message: OutgoingMessage): Promise<OutboxMessage> {
    const sent = outboxMessage(message);
    this.#messages = [sent, ...this.#messages].slice(0, outboxLimit);
    return sent;
  }

  async list(to?: string): Promise<OutboxMessage[]> {
    return this.#messages.filter(addressedTo(to));
  }

  async clear(): Promise<void> {
    this.#messages = [];
  }
}
