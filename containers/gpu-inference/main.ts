import { createInferenceServer } from './server';

// SageMaker sends traffic to port 8080 unless it sets SAGEMAKER_BIND_TO_PORT.
const port = Number(process.env.SAGEMAKER_BIND_TO_PORT ?? 8080);
const server = createInferenceServer().listen(port, () =>
  console.log(JSON.stringify({ message: 'listening', port })),
);
process.on('SIGTERM', () => server.close());
