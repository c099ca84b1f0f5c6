import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const PROJECT = 'cloud-medic-fleet';
const ALERT_ENDPOINT = `${PROJECT}:alertEndpoint`;

/**
 * A stack's configuration (`infra/Pulumi.<stack>.yaml`) as the Pulumi runtime sees it: every
 * value a string (structured values as JSON), secrets listed, and the secret alert endpoint stood
 * in for when the file has it encrypted or not at all. Tests that pin a stack's state load it.
 */
export function loadStackConfig(stack: string): [Record<string, string>, string[]] {
  const file = join(__dirname, '..', `Pulumi.${stack}.yaml`);
  const parsed = existsSync(file)
    ? ((parse(readFileSync(file, 'utf8')) as { config?: Record<string, unknown> } | null)?.config ?? {})
    : {};
  const config: Record<string, string> = {};
  const secrets: string[] = [];
  for (const [key, value] of Object.entries(parsed)) {
    if (value !== null && typeof value === 'object' && 'secure' in value) {
      config[key] = 'secret-value';
      secrets.push(key);
    } else config[key] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  if (!(ALERT_ENDPOINT in config)) {
    config[ALERT_ENDPOINT] = 'https://medic:token@medic.example.com/api/v1/alerts/cloudwatch';
    secrets.push(ALERT_ENDPOINT);
  }
  return [config, secrets];
}
