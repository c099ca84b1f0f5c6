import { matchTemplate } from '../../domain/codegen/templates';

describe('which template a request asks for', () => {
  test.each([
    ['write a function that uploads a file to S3', 's3-upload'],
    ['I need code to download an object from my bucket', 's3-download'],
    ['generate a function to send a message to an SQS queue', 'sqs-send'],
    ['poll messages from the orders queue', 'sqs-receive'],
    ['put an item into a DynamoDB table', 'dynamodb-put'],
    ['read a record from dynamodb', 'dynamodb-get'],
    ['write a lambda handler', 'lambda-handler'],
  ])('%s → %s', (request, id) => {
    expect(matchTemplate(request)?.id).toBe(id);
  });

  test('a service without an operation, or no known service, fits none', () => {
    expect(matchTemplate('something with s3')).toBeUndefined();
    expect(matchTemplate('write a kubernetes operator')).toBeUndefined();
  });
});
