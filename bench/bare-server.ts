/**
 * The benchmark's ceiling: a bare Fastify server with one route shaped like the report route
 * (parses the JSON body, answers 201), no validation, no store. Run as a child process.
 */
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.post('/api/v1/problems/:id/reports', async (request, reply) => reply.status(201).send({ accepted: request.body === null ? 0 : 1, duplicates: 0, seq: 0 }));
const url = await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`bare server listening on ${url}\n`);
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
