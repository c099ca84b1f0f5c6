import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Role } from '../domain/rbac';

/** An API token as stored: its SHA-256 only, never the token itself. */
export interface StoredToken {
  id: string;
  name: string;
  role: Role;
  sha256: string;
  createdAt: string;
  createdBy: string;
  revokedAt?: string;
}

export type TokenView = Omit<StoredToken, 'sha256'>;

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * API tokens in a JSON file under the data folder (mode 0600). Tokens are 192 random bits, so a
 * plain SHA-256 is enough to make a stolen file useless; lookups compare digests.
 */
export class TokenStore {
  private tokens: StoredToken[];

  constructor(private readonly file: string) {
    this.tokens = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as StoredToken[]) : [];
  }

  create(name: string, role: Role, createdBy: string): { token: string; view: TokenView } {
    const token = `medic_${randomBytes(24).toString('base64url')}`;
    const stored: StoredToken = {
      id: randomUUID(),
      name,
      role,
      sha256: hashToken(token),
      createdAt: new Date().toISOString(),
      createdBy,
    };
    this.tokens.push(stored);
    this.save();
    return { token, view: viewOf(stored) };
  }

  /** The live token whose digest matches, if any. */
  find(presented: string): StoredToken | undefined {
    const digest = hashToken(presented);
    return this.tokens.find((t) => t.sha256 === digest && !t.revokedAt);
  }

  list(): TokenView[] {
    return this.tokens.map(viewOf);
  }

  revoke(id: string): TokenView | undefined {
    const token = this.tokens.find((t) => t.id === id);
    if (!token) return undefined;
    token.revokedAt ??= new Date().toISOString();
    this.save();
    return viewOf(token);
  }

  private save(): void {
    mkdirSync(dirname(this.file), { recursive: true });
    const temp = `${this.file}.tmp`;
    writeFileSync(temp, JSON.stringify(this.tokens, null, 2), { mode: 0o600 });
    renameSync(temp, this.file);
  }
}

const viewOf = ({ sha256: _hidden, ...view }: StoredToken): TokenView => view;
