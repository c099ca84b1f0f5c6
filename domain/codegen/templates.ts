/**
 * Maintained templates for common cloud tasks. Each one is a small TypeScript module and its jest
 * test, written to run against the local emulator (the test reads `AWS_ENDPOINT_URL`). The coding
 * agent type-checks and runs both before it answers, so what it hands out is known to work.
 */
export interface CodeTemplate {
  id: string;
  title: string;
  service: 's3' | 'sqs' | 'dynamodb' | 'lambda';
  operation: 'write' | 'read' | 'handler';
  /** The npm packages the code imports (beyond Node's own). */
  packages: string[];
  source: string;
  test: string;
}

/** Client options for the tests: the emulator's endpoint and throwaway credentials. */
const TEST_CLIENT = `{
  region: 'us-east-1',
  endpoint: process.env.AWS_ENDPOINT_URL,
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
}`;

const S3_UPLOAD: CodeTemplate = {
  id: 's3-upload',
  title: 'Upload a file to S3',
  service: 's3',
  operation: 'write',
  packages: ['@aws-sdk/client-s3'],
  source: `import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';

/** Uploads a local file to s3://bucket/key (the key defaults to the file's name); returns where it went. */
export async function uploadFileToS3(
  client: S3Client,
  bucket: string,
  filePath: string,
  key: string = basename(filePath),
): Promise<{ bucket: string; key: string; etag?: string }> {
  const body = await readFile(filePath);
  const out = await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
  return { bucket, key, etag: out.ETag };
}
`,
  test: `import { CreateBucketCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { uploadFileToS3 } from './code';

const client = new S3Client({ ...${TEST_CLIENT}, forcePathStyle: true });
const bucket = \`upload-test-\${process.pid}-\${Date.now()}\`;

beforeAll(() => client.send(new CreateBucketCommand({ Bucket: bucket })));
afterAll(() => client.destroy());

test('uploads the file under its name, and the object reads back the same', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'upload-')), 'report.csv');
  writeFileSync(file, 'a,b\\n1,2\\n');
  const uploaded = await uploadFileToS3(client, bucket, file);
  expect(uploaded.key).toBe('report.csv');
  const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: 'report.csv' }));
  expect(await object.Body?.transformToString()).toBe('a,b\\n1,2\\n');
});

test('a missing file fails before anything is sent', async () => {
  await expect(uploadFileToS3(client, bucket, '/nonexistent/file.txt')).rejects.toThrow(/ENOENT/);
});
`,
};

const S3_DOWNLOAD: CodeTemplate = {
  id: 's3-download',
  title: 'Download an object from S3 to a file',
  service: 's3',
  operation: 'read',
  packages: ['@aws-sdk/client-s3'],
  source: `import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { writeFile } from 'node:fs/promises';

/** Downloads s3://bucket/key to a local file; returns the number of bytes written. */
export async function downloadFileFromS3(client: S3Client, bucket: string, key: string, filePath: string): Promise<number> {
  const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  if (!out.Body) throw new Error(\`s3://\${bucket}/\${key} has no body\`);
  const bytes = await out.Body.transformToByteArray();
  await writeFile(filePath, bytes);
  return bytes.length;
}
`,
  test: `import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { downloadFileFromS3 } from './code';

const client = new S3Client({ ...${TEST_CLIENT}, forcePathStyle: true });
const bucket = \`download-test-\${process.pid}-\${Date.now()}\`;

beforeAll(async () => {
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'data/hello.txt', Body: 'hello' }));
});
afterAll(() => client.destroy());

test('writes the object to the file', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'download-')), 'hello.txt');
  expect(await downloadFileFromS3(client, bucket, 'data/hello.txt', file)).toBe(5);
  expect(readFileSync(file, 'utf8')).toBe('hello');
});

test('a missing key is an error, not an empty file', async () => {
  await expect(downloadFileFromS3(client, bucket, 'nope', '/tmp/never-written')).rejects.toThrow();
});
`,
};

const SQS_SEND: CodeTemplate = {
  id: 'sqs-send',
  title: 'Send a message to an SQS queue',
  service: 'sqs',
  operation: 'write',
  packages: ['@aws-sdk/client-sqs'],
  source: `import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';

/** Sends a JSON message to the queue; returns the message id SQS assigned. */
export async function sendMessage(client: SQSClient, queueUrl: string, message: unknown): Promise<string> {
  const out = await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(message) }));
  if (!out.MessageId) throw new Error('SQS returned no message id');
  return out.MessageId;
}
`,
  test: `import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { sendMessage } from './code';

const client = new SQSClient(${TEST_CLIENT});
let queueUrl = '';

beforeAll(async () => {
  const out = await client.send(new CreateQueueCommand({ QueueName: \`send-test-\${process.pid}-\${Date.now()}\` }));
  queueUrl = out.QueueUrl ?? '';
});
afterAll(() => client.destroy());

test('the message arrives on the queue as JSON', async () => {
  const id = await sendMessage(client, queueUrl, { order: 42 });
  const received = await client.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 1 }));
  expect(received.Messages?.[0]?.MessageId).toBe(id);
  expect(JSON.parse(received.Messages?.[0]?.Body ?? '')).toEqual({ order: 42 });
});
`,
};

const SQS_RECEIVE: CodeTemplate = {
  id: 'sqs-receive',
  title: 'Receive and process messages from an SQS queue',
  service: 'sqs',
  operation: 'read',
  packages: ['@aws-sdk/client-sqs'],
  source: `import { DeleteMessageCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';

/**
 * Receives up to 10 messages, hands each JSON body to \`handle\`, and deletes only those it handled:
 * a message whose handler throws comes back after its visibility timeout. Returns how many were handled.
 */
export async function receiveMessages(
  client: SQSClient,
  queueUrl: string,
  handle: (body: unknown) => Promise<void>,
  waitSeconds = 1,
): Promise<number> {
  const out = await client.send(
    new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: waitSeconds }),
  );
  let handled = 0;
  for (const message of out.Messages ?? []) {
    try {
      await handle(JSON.parse(message.Body ?? 'null'));
    } catch {
      continue;
    }
    await client.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
    handled++;
  }
  return handled;
}
`,
  test: `import { CreateQueueCommand, GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { receiveMessages } from './code';

const client = new SQSClient(${TEST_CLIENT});
let queueUrl = '';

beforeAll(async () => {
  const out = await client.send(
    new CreateQueueCommand({ QueueName: \`receive-test-\${process.pid}-\${Date.now()}\`, Attributes: { VisibilityTimeout: '60' } }),
  );
  queueUrl = out.QueueUrl ?? '';
});
afterAll(() => client.destroy());

test('handled messages are deleted; one whose handler fails stays for a retry', async () => {
  for (const n of [1, 2, 3]) await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify({ n }) }));
  const seen: unknown[] = [];
  const handled = await receiveMessages(client, queueUrl, async (body) => {
    if ((body as { n: number }).n === 2) throw new Error('poison');
    seen.push(body);
  });
  expect(handled).toBe(2);
  expect(seen).toEqual(expect.arrayContaining([{ n: 1 }, { n: 3 }]));
  const attributes = await client.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessagesNotVisible'] }),
  );
  expect(attributes.Attributes?.ApproximateNumberOfMessagesNotVisible).toBe('1');
});
`,
};

const DYNAMODB_TABLE = `const table = \`items-test-\${process.pid}-\${Date.now()}\`;

beforeAll(() =>
  client.send(
    new CreateTableCommand({
      TableName: table,
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  ),
);
afterAll(() => client.destroy());`;

const DYNAMODB_PUT: CodeTemplate = {
  id: 'dynamodb-put',
  title: 'Put an item into a DynamoDB table',
  service: 'dynamodb',
  operation: 'write',
  packages: ['@aws-sdk/client-dynamodb'],
  source: `import { PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';

export interface Item {
  id: string;
  name: string;
  quantity: number;
}

/** Writes the item; with \`onlyIfNew\` an existing id is refused (ConditionalCheckFailedException). */
export async function putItem(client: DynamoDBClient, table: string, item: Item, onlyIfNew = false): Promise<void> {
  await client.send(
    new PutItemCommand({
      TableName: table,
      Item: { id: { S: item.id }, name: { S: item.name }, quantity: { N: String(item.quantity) } },
      ...(onlyIfNew ? { ConditionExpression: 'attribute_not_exists(id)' } : {}),
    }),
  );
}
`,
  test: `import { CreateTableCommand, DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { putItem } from './code';

const client = new DynamoDBClient(${TEST_CLIENT});
${DYNAMODB_TABLE}

test('the item is stored with its attributes', async () => {
  await putItem(client, table, { id: 'a1', name: 'bolt', quantity: 12 });
  const out = await client.send(new GetItemCommand({ TableName: table, Key: { id: { S: 'a1' } } }));
  expect(out.Item).toEqual({ id: { S: 'a1' }, name: { S: 'bolt' }, quantity: { N: '12' } });
});

test('onlyIfNew refuses to overwrite', async () => {
  await putItem(client, table, { id: 'a2', name: 'nut', quantity: 1 });
  await expect(putItem(client, table, { id: 'a2', name: 'nut', quantity: 2 }, true)).rejects.toThrow(/conditional/i);
});
`,
};

const DYNAMODB_GET: CodeTemplate = {
  id: 'dynamodb-get',
  title: 'Get an item from a DynamoDB table',
  service: 'dynamodb',
  operation: 'read',
  packages: ['@aws-sdk/client-dynamodb'],
  source: `import { GetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';

export interface Item {
  id: string;
  name: string;
  quantity: number;
}

/** Reads one item by id (strongly consistent); undefined when there is none. */
export async function getItem(client: DynamoDBClient, table: string, id: string): Promise<Item | undefined> {
  const out = await client.send(new GetItemCommand({ TableName: table, Key: { id: { S: id } }, ConsistentRead: true }));
  if (!out.Item) return undefined;
  return { id: out.Item.id?.S ?? id, name: out.Item.name?.S ?? '', quantity: Number(out.Item.quantity?.N ?? 0) };
}
`,
  test: `import { CreateTableCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { getItem } from './code';

const client = new DynamoDBClient(${TEST_CLIENT});
${DYNAMODB_TABLE}

test('reads back what was stored, and undefined for an unknown id', async () => {
  await client.send(
    new PutItemCommand({ TableName: table, Item: { id: { S: 'b1' }, name: { S: 'washer' }, quantity: { N: '7' } } }),
  );
  expect(await getItem(client, table, 'b1')).toEqual({ id: 'b1', name: 'washer', quantity: 7 });
  expect(await getItem(client, table, 'missing')).toBeUndefined();
});
`,
};

const LAMBDA_HANDLER: CodeTemplate = {
  id: 'lambda-handler',
  title: 'A Lambda handler (API Gateway) that stores the request body in S3',
  service: 'lambda',
  operation: 'handler',
  packages: ['@aws-sdk/client-s3'],
  source: `import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { randomUUID } from 'node:crypto';

/** The parts of an API Gateway proxy event the handler reads. */
export interface ApiEvent {
  body: string | null;
  isBase64Encoded?: boolean;
}
export interface ApiResult {
  statusCode: number;
  body: string;
}

/** Built once per container, outside the handler, as Lambda recommends. */
const s3 = new S3Client({});

/**
 * Stores a JSON request body as an object in BUCKET and answers 201 with its key; a body that is
 * missing or not JSON gets a 400 and nothing is stored. \`client\` is for tests.
 */
export async function handler(event: ApiEvent, client: S3Client = s3): Promise<ApiResult> {
  const bucket = process.env.BUCKET;
  if (!bucket) return { statusCode: 500, body: JSON.stringify({ error: 'BUCKET is not set' }) };
  const text = event.body && event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  try {
    JSON.parse(text ?? '');
  } catch {
    return { statusCode: 400, body: JSON.stringify({ error: 'the body must be JSON' }) };
  }
  const key = \`requests/\${randomUUID()}.json\`;
  await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: text ?? '', ContentType: 'application/json' }));
  return { statusCode: 201, body: JSON.stringify({ key }) };
}
`,
  test: `import { CreateBucketCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { handler } from './code';

const client = new S3Client({ ...${TEST_CLIENT}, forcePathStyle: true });
const bucket = \`handler-test-\${process.pid}-\${Date.now()}\`;

beforeAll(async () => {
  process.env.BUCKET = bucket;
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
});
afterAll(() => client.destroy());

test('a JSON body is stored and its key returned', async () => {
  const result = await handler({ body: JSON.stringify({ hello: 'world' }) }, client);
  expect(result.statusCode).toBe(201);
  const { key } = JSON.parse(result.body) as { key: string };
  const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  expect(JSON.parse((await object.Body?.transformToString()) ?? '')).toEqual({ hello: 'world' });
});

test('a body that is not JSON is refused with 400', async () => {
  expect((await handler({ body: 'not json' }, client)).statusCode).toBe(400);
  expect((await handler({ body: null }, client)).statusCode).toBe(400);
});
`,
};

export const CODE_TEMPLATES: CodeTemplate[] = [
  S3_UPLOAD,
  S3_DOWNLOAD,
  SQS_SEND,
  SQS_RECEIVE,
  DYNAMODB_PUT,
  DYNAMODB_GET,
  LAMBDA_HANDLER,
];

const SERVICE_WORDS: Record<CodeTemplate['service'], RegExp> = {
  s3: /\b(s3|bucket|buckets|object storage)\b/,
  sqs: /\b(sqs|queue|queues)\b/,
  dynamodb: /\b(dynamo|dynamodb|ddb|table)\b/,
  lambda: /\b(lambda|handler|serverless)\b/,
};
const OPERATION_WORDS: Record<CodeTemplate['operation'], RegExp> = {
  write:
    /\b(upload|uploads|put|puts|send|sends|write|writes|store|stores|save|saves|insert|publish|push|enqueue)\b/,
  read: /\b(download|downloads|get|gets|read|reads|fetch|fetches|receive|receives|poll|polls|consume|consumes|load|loads|retrieve)\b/,
  handler: /\b(handler|lambda|function that handles)\b/,
};

/** The template a request asks for ("write a function that uploads a file to S3"), if one fits. */
export function matchTemplate(request: string): CodeTemplate | undefined {
  const text = request.toLowerCase();
  if (SERVICE_WORDS.lambda.test(text)) return LAMBDA_HANDLER;
  const scored = CODE_TEMPLATES.filter(
    (t) => t.service !== 'lambda' && SERVICE_WORDS[t.service].test(text),
  ).map((t) => ({ t, score: OPERATION_WORDS[t.operation].test(text) ? 2 : 0 }));
  scored.sort((a, b) => b.score - a.score);
  const best = scored[0];
  return best && best.score > 0 ? best.t : undefined;
}
