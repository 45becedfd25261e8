/**
 * A paged S3 listing against s3rver: `node --openssl-legacy-provider --import tsx list-pages-in-child.ts`
 * (s3rver's continuation tokens need DES, from OpenSSL's legacy provider). Puts 25 objects in
 * reverse key order, lists them 10 per page with `listS3Objects`, and prints the keys put, the
 * keys listed and the S3 commands sent, as JSON.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { listS3Objects } from '../../src/events/s3-source.js';
import { startS3, TEST_BUCKET } from '../sagemaker/aws-test-env.js';

const s3 = await startS3();
try {
  const keys = Array.from({ length: 25 }, (_, i) => `many/part-${String(i).padStart(3, '0')}.csv`);
  for (const key of [...keys].reverse())
    await s3.s3.send(new PutObjectCommand({ Bucket: TEST_BUCKET, Key: key, Body: '1,2\n' }));
  s3.commands.length = 0;
  const objects = await listS3Objects(s3.s3, [`s3://${TEST_BUCKET}/many/`], { pageSize: 10 });
  process.stdout.write(JSON.stringify({ keys, listed: objects.map((o) => o.key), commands: s3.commands }));
} finally {
  await s3.close();
}
