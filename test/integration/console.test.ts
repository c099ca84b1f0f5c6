import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { StreamingDetector } from '../../domain/anomaly/detector';
import { loadConfig, TASK_QUEUES } from '../../domain/config';
import type { DetectorState } from '../../domain/detection';
import { fleetMonitorWorkflowId, incidentWorkflowId, trafficFloodIncidentId } from '../../domain/ids';
import { hourOfWeek } from '../../domain/anomaly/weekly-routine';
import type { RunningMonitor } from '../../domain/monitor-view';
import { withTemporal } from '../../workers/temporal-client';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { flowLogPrefix } from '../../activities/flow-log-deliveries';
import { createModelStore } from '../../activities/model-store';
import type { fleetMonitorWorkflow } from '../../workflows/fleet-monitor';
import { eventually, ROOT } from '../support/env';
import { startLocalStack, type LocalStack } from '../support/stack';

/** Debian's Chromium, driven by playwright-core: no browser is downloaded. */
const CHROMIUM = process.env.MEDIC_CHROMIUM ?? '/usr/bin/chromium';
/** `make screenshots` sets this to refresh the images the README shows. */
const SHOTS = process.env.MEDIC_SCREENSHOTS ? join(ROOT, 'docs', 'screenshots') : undefined;

/**
 * The web console end to end in a real headless browser against the real stack: log in with a
 * token, watch an incident appear live, approve it, watch it resolve, answer the feedback form.
 */
describe('web console', () => {
  let local: LocalStack;
  let browser: Browser;
  let approverToken: string;
  let viewerToken: string;
  let instances: { instanceId: string; mode: string }[];
  /** The instance of the fleet whose monitor carries a learnt detector (the monitors test makes it). */
  let shop: string;
  const pageErrors: string[] = [];

  const openConsole = async (token: string): Promise<Page> => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    page.on('console', (m) => m.type() === 'error' && pageErrors.push(m.text()));
    await page.goto(`${local.api}/`);
    await page.fill('input[name=token]', token);
    await page.click('button[type=submit]');
    await page.waitForSelector('[data-testid=who]');
    return page;
  };
  const shot = async (page: Page, name: string, fullPage = false) => {
    if (SHOTS) await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage });
  };

  beforeAll(async () => {
    if (SHOTS) mkdirSync(SHOTS, { recursive: true });
    local = await startLocalStack({ MEDIC_FLAP_COOLDOWN: '0' });
    const token = async (name: string, role: string) =>
      String((await local.call('POST', '/api/v1/tokens', { name, role })).body.token);
    approverToken = await token('alice', 'approver');
    viewerToken = await token('victor', 'viewer');
    instances = (
      JSON.parse(
        await local.medic('fleet', 'create', '--size', '2', '--manual', '1', '--fleet', 'web', '--json'),
      ) as { instances: { instanceId: string; mode: string }[] }
    ).instances;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    local?.stop();
  });

  test('a bad token is refused at the login form', async () => {
    const page = await browser.newPage();
    await page.goto(`${local.api}/`);
    await page.fill('input[name=token]', 'medic_not_a_real_token_at_all_0000');
    await page.click('button[type=submit]');
    await expectText(page, '[role=alert]', 'That token is not valid.');
    await page.close();
  });

  test('log in, see an incident appear live, approve it, see it resolve, give feedback', async () => {
    const manual = instances.find((i) => i.mode === 'manual')!.instanceId;
    const page = await openConsole(approverToken);
    expect(await page.textContent('[data-testid=who]')).toBe('alice · approver');
    await page.waitForSelector('[data-testid=live].live-live');
    // The row must arrive by push: the page is never reloaded or navigated while it waits.
    const navigations: string[] = [];
    page.on('framenavigated', (frame) => navigations.push(frame.url()));

    await local.medic('chaos', 'stop-instance', '--instance', manual);
    const row = `tr[data-incident="incident-${manual}-instance-stopped"]`;
    await page.waitForSelector(`${row} .status-awaiting_approval`, { timeout: 60_000 });
    expect(navigations).toEqual([]);
    await shot(page, 'incidents');

    await page.click(`${row} a`);
    await page.waitForSelector('[data-testid=decision]');
    expect(await page.textContent('.plan')).toContain('start-instance');
    await page.waitForSelector('canvas[aria-label$="around the incident"]');

    // A viewer watching the same incident sees it wait but gets no buttons.
    const viewer = await openConsole(viewerToken);
    await viewer.goto(`${local.api}/#/incidents/incident-${manual}-instance-stopped`);
    await expectText(viewer, '.note', 'your role (viewer) can watch but not decide');
    expect(await viewer.$('button.approve')).toBeNull();
    await viewer.close();

    await shot(page, 'incident-awaiting-approval');
    await page.fill('textarea[name=reason]', 'stopped by the chaos test; start it');
    await page.click('button.approve');
    await page.waitForSelector('.facts .status-resolved', { timeout: 90_000 });
    // The decision's note ("approve accepted: remediating") does not outlive the remediation.
    expect(await page.$('p.note[role=status]')).toBeNull();
    const report = await page.textContent('[data-testid=report]');
    expect(report).toContain('Issue Detected');
    expect(report).toContain('Resolution Process');
    expect(report).toContain('start-instance');
    expect(report).toContain('Action Taken');
    expect(await page.textContent('[data-testid=timeline]')).toMatch(
      /Decision approve by alice: stopped by the chaos test/,
    );
    expect(await page.getAttribute('[data-testid=webui-link]', 'href')).toMatch(
      new RegExp(`/workflows/incident-${manual}-instance-stopped/`),
    );
    await shot(page, 'incident-resolved', true);

    // The approver who watched the fix land answers "Was your issue resolved?" on the same page.
    await page.check('input[name=resolved] >> nth=0');
    await page.selectOption('select[name=rating]', '4');
    await page.click('.feedback button[type=submit]');
    await expectText(page, '[data-testid=feedback-result]', 'Thank you');
    // A viewer reads the closed incident without the question.
    const reader = await openConsole(viewerToken);
    await reader.goto(`${local.api}/#/incidents/incident-${manual}-instance-stopped`);
    await reader.waitForSelector('.facts .status-resolved');
    expect(await reader.$('.feedback')).toBeNull();
    await reader.close();
    await page.close();
    expect(pageErrors).toEqual([]);
  }, 180_000);

  test('the list filters by severity and agent', async () => {
    const page = await openConsole(local.token);
    await page.waitForSelector('[data-testid=incident-table]');
    await page.selectOption('select[name=agent]', 'security');
    await page.waitForSelector('.empty');
    await page.selectOption('select[name=agent]', 'self-healing');
    await page.selectOption('select[name=severity]', 'high');
    // Each filter change empties the table until the pushed list for the new filter arrives: read it
    // once it has settled, not the rows of the filter before.
    const severities = await eventually(
      async () => {
        const seen = await page.$$eval('[data-testid=incident-table] tbody .sev', (cells) =>
          cells.map((c) => (c as { textContent: string }).textContent),
        );
        return seen.length > 0 && (await page.$('.loading')) === null ? seen : undefined;
      },
      30_000,
      'the filtered list',
    );
    expect(severities.length).toBeGreaterThan(0);
    expect(new Set(severities)).toEqual(new Set(['high']));
    await page.close();
  });

  test("the monitors page lists each fleet's watched instances and shows what one's detector takes for usual", async () => {
    // A fleet whose monitor carries a detector that learnt eight days of working hours (the stack
    // samples every 10 s, too fine to start from CloudWatch's history, decision 0045).
    shop = (
      JSON.parse(
        await local.medic('fleet', 'create', '--size', '1', '--fleet', 'shop', '--no-monitor', '--json'),
      ) as { instances: { instanceId: string }[] }
    ).instances[0].instanceId;
    await withTemporal(loadConfig(local.env), (client) =>
      client.workflow.start<typeof fleetMonitorWorkflow>('fleetMonitorWorkflow', {
        workflowId: fleetMonitorWorkflowId('shop'),
        taskQueue: TASK_QUEUES.monitoring,
        args: [{ fleet: 'shop', intervalSeconds: 2, detectors: { [shop]: workingHoursDetector(8) } }],
      }),
    );
    // Its flow log delivers in a custom format without bytes: the monitor cannot see floods there.
    const { flowLogBucket } = loadConfig(local.env);
    await createModelStore(local.aws.s3, flowLogBucket).ensureBucket();
    await local.aws.s3.send(
      new PutObjectCommand({
        Bucket: flowLogBucket,
        Key: `${flowLogPrefix('shop')}${new Date().toISOString()}-custom.log`,
        Body: 'version srcaddr dstaddr dstport packets start action\n5 203.0.113.9 10.0.1.10 80 4 1764150000 ACCEPT',
      }),
    );
    const monitorOf = async (fleet: string) => {
      const { body } = await local.call('GET', '/api/v1/monitors');
      return (body.monitors as RunningMonitor[]).find((m) => m.fleet === fleet);
    };
    const pointsOf = async (fleet: string, instanceId: string) =>
      (await monitorOf(fleet))?.series?.find((s) => s.instanceId === instanceId && s.metric === 'cpu')
        ?.points;
    // The page reads the list once: wait for both monitors' first scans to have made the detectors.
    await eventually(
      async () =>
        ((await pointsOf('shop', shop)) ?? 0) > 7 * 1440 &&
        (await monitorOf('shop'))?.flowLogProblem &&
        (await pointsOf('web', instances[0].instanceId)),
      90_000,
      "the shop and web fleets' detectors, and shop's unreadable flow logs",
    );

    const page = await openConsole(viewerToken);
    await page.click('nav a[href="#/monitors"]');
    await page.waitForSelector(`[data-fleet=web] a[href="#/monitors/web/${instances[0].instanceId}"]`);
    expect(await page.textContent('[data-fleet=web]')).toContain(instances[1].instanceId);
    expect(await page.textContent('[data-fleet=shop] [data-testid=flow-log-problem]')).toMatch(
      /^fleet shop: a flow-log delivery could not be judged for floods, .* because its format has no bytes .*floods against it go unseen\.$/,
    );
    expect(await page.$('[data-fleet=web] [data-testid=flow-log-problem]')).toBeNull();
    await page.click(`[data-fleet=shop] a[href="#/monitors/shop/${shop}"]`);
    await page.waitForSelector('[data-testid=detector]');
    expect(await page.textContent('[data-testid=detector] h1')).toBe(`${shop} CPU`);
    expect(await page.textContent('[data-testid=profile-state]')).toMatch(
      /^\s*judges \(learnt from [89] days\)/,
    );
    const hours = await page.$$eval('[data-testid=hours] tbody tr', (rows) =>
      rows.map((r) => (r as { textContent: string }).textContent),
    );
    expect(hours).toHaveLength(24);
    const usualAt = (hour: number) => Number.parseFloat(hours[hour].slice('00:00'.length));
    expect(Math.abs(usualAt(3) - 20)).toBeLessThan(3);
    expect(Math.abs(usualAt(12) - 70)).toBeLessThan(3);
    await page.waitForSelector('canvas[aria-label="usual by hour of the day"]');
    await expectText(page, '.empty', 'No incidents on this instance.');
    await shot(page, 'detector', true);
    expect(pageErrors).toEqual([]);

    // The MANUAL instance stopped in the test above: its page lists that incident, linked.
    const manual = instances.find((i) => i.mode === 'manual')!.instanceId;
    await page.goto(`${local.api}/#/monitors/web/${manual}`);
    await page.click(
      `[data-testid=instance-incidents] a[href="#/incidents/incident-${manual}-instance-stopped"]`,
    );
    await page.waitForSelector('.facts .status-resolved');
    expect(pageErrors).toEqual([]);

    await page.goto(`${local.api}/#/monitors/shop/${shop}`);
    await page.waitForSelector('[data-testid=detector]');
    // No latency detector: nothing publishes it; the page says so instead of drawing nothing (the
    // browser logs the API's 404 as a console error: that one is expected).
    await page.click('.why a:has-text("p99 latency")');
    await expectText(page, '[role=alert]', `has no p99 latency detector for ${shop}`);
    await page.close();
    expect(pageErrors.splice(0)).toEqual([
      'Failed to load resource: the server responded with a status of 404 (Not Found)',
    ]);
  }, 180_000);

  test('the dashboard shows the figures with charts, and the chat answers', async () => {
    // Planned work on an instance outside the fleets the other tests use.
    const window = await local.call('POST', '/api/v1/maintenance', {
      instances: ['i-0aaaaaaaaaaaaaaaa'],
      durationMinutes: 90,
      reason: 'kernel patch',
    });
    const page = await openConsole(local.token);
    await page.goto(`${local.api}/#/dashboard`);
    await page.waitForSelector('[data-testid=agents]');
    expect(await page.textContent('[data-testid="tile-Auto-resolution"]')).toMatch(/\d+ %/);
    expect(await page.$$('.dashboard canvas')).toHaveLength(3);
    expect(await page.textContent('[data-testid=agents]')).toMatch(
      /self-healing\s*1\s*1\s*100 %\s*4\.0 \/ 5 \(1\)/,
    );
    // The registry's models, none promoted on this fresh stack: the shipped ones decide.
    await page.waitForSelector('[data-testid=models]');
    const models = await page.textContent('[data-testid=models]');
    for (const model of ['detector', 'rootcause', 'remediation-policy', 'demand-forecast'])
      expect(models).toContain(model);
    expect(models).toMatch(/detector\s*shipped\s*nabScore –/);
    expect(await page.textContent('[data-testid=maintenance]')).toMatch(
      /i-0aaaaaaaaaaaaaaaa\s*.+\s*kernel patch\s*admin/,
    );
    await shot(page, 'dashboard');
    await local.call('DELETE', `/api/v1/maintenance/${String(window.body.id)}`);

    await page.click('.chat-toggle');
    await page.fill('.chat input[name=message]', 'what is open right now?');
    await page.click('.chat button[type=submit]');
    await expectText(page, '[data-testid=chat-log] .reply', 'intent list_open');
    await shot(page, 'chat');
    await page.close();

    // Speech: the browser's recognition (a stand-in here: headless Chromium has no speech service)
    // hands its transcript to the same chat request.
    const voice = await browser.newPage();
    await voice.addInitScript(`window.SpeechRecognition = class {
      start() { setTimeout(() => { this.onresult({ results: [[{ transcript: 'what is open right now?' }]] }); this.onend(); }, 50); }
    };`);
    await voice.goto(`${local.api}/`);
    await voice.fill('input[name=token]', local.token);
    await voice.click('button[type=submit]');
    await voice.click('.chat-toggle');
    await voice.click('button[aria-label=Speak]');
    await expectText(voice, '[data-testid=chat-log] .said', 'what is open right now?');
    await expectText(voice, '[data-testid=chat-log] .reply', 'intent list_open');
    await voice.close();
    expect(pageErrors).toEqual([]);
  });

  test("a person says a detector's alarm was the service's weekly habit, then a fault: its monitor learns both", async () => {
    await local.medic('chaos', 'cpu-spike', '--instance', shop);
    const id = incidentWorkflowId(shop, 'cpu-high');
    const opened = await eventually(
      async () => {
        const { status, body } = await local.call('GET', `/api/v1/incidents/${id}`);
        return status === 200 ? (body.openedAt as string) : undefined;
      },
      90_000,
      'the cpu-high incident the shop monitor opens',
    );
    const hour = hourOfWeek(Date.parse(opened));
    expect(await local.call('GET', `/api/v1/incidents/${id}/detection`)).toEqual({
      status: 200,
      body: { answer: null },
    });
    const page = await openConsole(local.token);
    await page.goto(`${local.api}/#/incidents/${id}`);
    await page.click('button.expected');
    await expectText(
      page,
      '[data-testid=detection-verdict]',
      `${hour} UTC is a weekly routine of ${shop} CPU`,
    );
    // The incident's own timeline says who answered what.
    await expectText(
      page,
      '[data-testid=timeline]',
      `admin said this alarm was expected: ${hour} UTC is a weekly routine`,
    );
    await page.click('[data-testid=detector-link]');
    await expectText(
      page,
      '[data-testid=detector] dd',
      `${hour} (not alarmed: each surprised the two weeks before, or a person said it is expected)`,
    );

    // Said otherwise from the CLI: a fault, so the hour is no routine any more.
    expect(await local.medic('incidents', 'fault', '--id', id)).toContain(
      `${id}: The surprise at ${hour} UTC counts for no weekly routine of ${shop} CPU`,
    );
    await eventually(
      async () => {
        const { body } = await local.call('GET', `/api/v1/monitors/shop/detectors/${shop}`);
        return (body.weeklyRoutines as string[]).length === 0 ? true : undefined;
      },
      10_000,
      'the routine taken back',
    );
    // The last answer is kept beside the feedback (model monitoring counts it) and shown on the incident.
    expect(await local.call('GET', `/api/v1/incidents/${id}/detection`)).toMatchObject({
      status: 200,
      body: { answer: { verdict: 'fault', by: 'admin', hourOfWeek: hour, instanceId: shop, metric: 'cpu' } },
    });
    expect(await local.medic('incidents', 'show', '--id', id)).toContain(
      `Was this alarm expected? admin said no, a fault at`,
    );
    await page.goto(`${local.api}/#/incidents/${id}`);
    await expectText(
      page,
      '[data-testid=detection-verdict-recorded]',
      `that this alarm was a fault (${hour} UTC)`,
    );
    await page.close();
    // A viewer reads the answer but is not asked the question.
    const viewing = await openConsole(viewerToken);
    await viewing.goto(`${local.api}/#/incidents/${id}`);
    await expectText(viewing, '[data-testid=detection-verdict-recorded]', 'admin said on');
    expect(await viewing.locator('button.expected').count()).toBe(0);
    await viewing.close();
    expect(pageErrors).toEqual([]);
  }, 150_000);

  test('an approver ticks the incidents of an outage, sees each plan, and approves them in one go', async () => {
    const outage = (
      JSON.parse(
        await local.medic('fleet', 'create', '--size', '2', '--manual', '2', '--fleet', 'outage', '--json'),
      ) as { instances: { instanceId: string }[] }
    ).instances.map((i) => i.instanceId);
    const ids = outage.map((instance) => `incident-${instance}-instance-stopped`);
    for (const instance of outage) await local.medic('chaos', 'stop-instance', '--instance', instance);
    const row = (id: string) => `tr[data-incident="${id}"]`;

    const viewer = await openConsole(viewerToken);
    await viewer.waitForSelector(`${row(ids[0])} .status-awaiting_approval`, { timeout: 60_000 });
    expect(await viewer.$('input[name=pick]')).toBeNull();
    await viewer.close();

    const page = await openConsole(approverToken);
    for (const id of ids)
      await page.waitForSelector(`${row(id)} .status-awaiting_approval`, { timeout: 60_000 });
    // Filtered to the outage's kind, "every waiting" ticks the outage's incidents and nothing else.
    await page.selectOption('select[name=kind]', 'instance-stopped');
    await page.selectOption('select[name=status]', 'awaiting_approval');
    await page.waitForSelector(`${row(ids[0])} input[name=pick]`);
    await page.waitForSelector(`${row(ids[1])} input[name=pick]`);
    await page.check('input[name=pick-all]');
    for (const id of ids) await expectText(page, `[data-bulk="${id}"]`, 'start-instance');
    expect(await page.$$('[data-bulk]')).toHaveLength(2);
    await shot(page, 'incidents-bulk-decision');
    await page.fill('textarea[name=bulk-reason]', 'the whole tier was stopped by chaos');
    await page.click('[data-testid=bulk-decision] button.approve');
    await expectText(page, '[data-testid=bulk-answer]', '2 approved.');
    await page.selectOption('select[name=status]', '');
    for (const id of ids) await page.waitForSelector(`${row(id)} .status-resolved`, { timeout: 90_000 });
    // Decided incidents leave the selection: nothing stays ticked for a next decision by mistake.
    expect(await page.$$('input[name=pick]:checked')).toHaveLength(0);
    for (const id of ids) {
      const incident = await local.call('GET', `/api/v1/incidents/${id}`);
      expect(JSON.stringify(incident.body.timeline)).toContain(
        'Decision approve by alice: the whole tier was stopped by chaos',
      );
    }
    await page.close();
    expect(pageErrors).toEqual([]);
  }, 180_000);

  test('an approver lifts a flood block from its incident page, saying why; a viewer is not offered it', async () => {
    await local.medic('chaos', 'traffic-flood', '--source', '203.0.113.230', '--fleet', 'web');
    const id = trafficFloodIncidentId('203.0.113.230/32');
    await eventually(
      async () => {
        const got = await local.call('GET', `/api/v1/incidents/${encodeURIComponent(id)}`);
        return got.status === 200 && got.body.status === 'resolved' ? true : undefined;
      },
      90_000,
      'the flood denied',
    );
    const viewer = await openConsole(viewerToken);
    await viewer.goto(`${local.api}/#/incidents/${id}`);
    await expectText(viewer, 'h1', 'Traffic flood from 203.0.113.230/32');
    expect(await viewer.$('[data-testid=lift-block]')).toBeNull();
    await viewer.close();

    const page = await openConsole(approverToken);
    await page.goto(`${local.api}/#/incidents/${id}`);
    await page.waitForSelector('[data-testid=lift-block]');
    await page.fill('textarea[name=lift-reason]', 'a partner, not an attacker');
    await page.click('[data-testid=lift-block] button');
    await expectText(page, '.note', 'Lifting the block of 203.0.113.230/32');
    await expectText(page, '[data-testid=timeline]', 'Lift requested by alice: a partner, not an attacker');
    await expectText(page, '.card', 'lift-source-block on');
    // Lifted: the form is gone, and the report's step says who asked and why.
    await page.waitForSelector('[data-testid=lift-block]', { state: 'detached' });
    const incident = await local.call('GET', `/api/v1/incidents/${encodeURIComponent(id)}`);
    const steps = (incident.body.report as { resolutionProcess: { action: string; reason: string }[] })
      .resolutionProcess;
    expect(steps[steps.length - 1]).toMatchObject({
      action: 'lift-source-block',
      reason: 'Lifted on request of alice (a partner, not an attacker).',
    });
    await page.close();
    expect(pageErrors).toEqual([]);
  }, 180_000);
});

/**
 * A detector that learnt one-minute CPU for the `days` before the last half hour, 70 % from 09:00 to
 * 17:00 UTC and 20 % otherwise, as the fleet monitor carries it.
 */
function workingHoursDetector(days: number): DetectorState {
  const detector = new StreamingDetector();
  // Forty minutes ago, but not before today's first minute (UTC): the points the monitor feeds after it
  // then fall on the same day, so the days learnt do not depend on the hour the test runs at.
  const today = Math.floor(Date.now() / 86_400_000) * 86_400_000;
  const end = Math.max(Date.now() - 40 * 60_000, today + 60_000);
  for (let i = 0; i < days * 1440; i++) {
    const at = end - (days * 1440 - i) * 60_000;
    const hour = new Date(at).getUTCHours();
    detector.updateAt((hour >= 9 && hour < 17 ? 70 : 20) + (i % 5) - 2, at);
  }
  return { snapshot: detector.snapshot(), fedUpTo: new Date(end).toISOString() };
}

async function expectText(page: Page, selector: string, text: string): Promise<void> {
  // Locators, not page functions: the console's CSP forbids the eval a string function needs.
  await page.locator(selector, { hasText: text }).first().waitFor({ timeout: 30_000 });
}
