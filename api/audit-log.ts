import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface AuditInput {
  actor: string;
  role: string;
  /** What was done, e.g. `incident.decision`, `token.create`, `alerts.ingest`. */
  action: string;
  /** HTTP status of the attempt: refused attempts are recorded too. */
  status: number;
  incidentId?: string;
  detail?: Record<string, unknown>;
}

export interface AuditEntry extends AuditInput {
  seq: number;
  at: string;
  /** SHA-256 over the previous entry's hash and this entry: editing or dropping a line breaks the chain. */
  hash: string;
}

export interface AuditQuery {
  incidentId?: string;
  actor?: string;
  action?: string;
  limit: number;
}

const GENESIS = '0'.repeat(64);
const chainHash = (previous: string, entry: Omit<AuditEntry, 'hash'>) =>
  createHash('sha256').update(previous).update(JSON.stringify(entry)).digest('hex');

/**
 * The append-only audit log: one JSON line per entry, written with O_APPEND so concurrent writers
 * never overwrite each other, each line chained to the one before it.
 */
export class AuditLog {
  private seq = 0;
  private last = GENESIS;

  constructor(private readonly file: string) {
    const entries = this.read();
    const tail = entries[entries.length - 1];
    if (tail) {
      this.seq = tail.seq;
      this.last = tail.hash;
    }
  }

  append(input: AuditInput): AuditEntry {
    const body = { seq: this.seq + 1, at: new Date().toISOString(), ...input };
    const entry: AuditEntry = { ...body, hash: chainHash(this.last, body) };
    mkdirSync(dirname(this.file), { recursive: true });
    appendFileSync(this.file, `${JSON.stringify(entry)}\n`, { mode: 0o600 });
    this.seq = entry.seq;
    this.last = entry.hash;
    return entry;
  }

  /** Newest first. */
  query(q: AuditQuery): { entries: AuditEntry[]; chainIntact: boolean } {
    const all = this.read();
    const entries = all
      .filter(
        (e) =>
          (!q.incidentId || e.incidentId === q.incidentId) &&
          (!q.actor || e.actor === q.actor) &&
          (!q.action || e.action === q.action),
      )
      .reverse()
      .slice(0, q.limit);
    return { entries, chainIntact: verifyChain(all) };
  }

  private read(): AuditEntry[] {
    if (!existsSync(this.file)) return [];
    return readFileSync(this.file, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as AuditEntry);
  }
}

export function verifyChain(entries: AuditEntry[]): boolean {
  let previous = GENESIS;
  for (const { hash, ...body } of entries) {
    if (chainHash(previous, body) !== hash) return false;
    previous = hash;
  }
  return true;
}
