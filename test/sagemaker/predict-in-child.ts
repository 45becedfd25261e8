/**
 * A second process scoring a retained endpoint: `node --import tsx predict-in-child.ts <runtimeUrl>
 * <endpointName> <csvRows>` prints the scores as JSON. Nothing of the runner that deployed the
 * endpoint exists here, only its name.
 */
import { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { Predictor } from '../../src/sagemaker/predictor.js';

const [runtimeUrl, endpointName, rows] = process.argv.slice(2) as [string, string, string];
const client = new SageMakerRuntimeClient({
  endpoint: runtimeUrl,
  region: 'us-east-1',
  credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
});
try {
  const scores = await new Predictor({ endpointName, client }).predict(rows);
  process.stdout.write(JSON.stringify(Array.from(scores)));
} finally {
  client.destroy();
}
