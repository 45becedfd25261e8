/**
 * `sessionsentry/serve`: serving models and live scorers over HTTP. The endpoint server speaks the
 * SageMaker XGBoost container's contract (`GET /ping`, `POST /invocations` with CSV, JSON or
 * libsvm payloads), the event service feeds a `LiveScorer` from `POST /events`, and the load test
 * measures either. The payload parsers and the score parser are the ones the servers and the
 * backends use. `alertPolicy` and `stepAlert` are the alert rule `LiveScorer` applies;
 * `LiveScorer` and `replay` are in the root entry.
 *
 * @example
 * ```ts
 * import { Booster } from 'sessionsentry';
 * import { serveModel, parseScores } from 'sessionsentry/serve';
 * const booster = await Booster.loadFile('models/first10/model.tar.gz');
 * await using server = await serveModel(booster, { port: 8080 });
 * const response = await fetch(`${server.url}/invocations`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: '1,0,3\n' });
 * console.log(parseScores(await response.text()));
 * ```
 *
 * @module sessionsentry/serve
 */

// --- Endpoint server ---
export { EndpointServer, EndpointServerError, serveModel, MAX_PAYLOAD_BYTES } from './endpoint-server.js';
export type { EndpointServerOptions, EndpointServerStats } from './endpoint-server.js';
export { handleInvocation } from './handle-invocation.js';
export type { InvocationRequest, InvocationResponse, InvocationOptions } from './handle-invocation.js';
export { InvocationError } from './invocation-error.js';
export type { ScoringModel, FeatureMatrix } from './scoring-model.js';

// --- Payloads and scores ---
export { parseCsvPayload, parseJsonPayload, parseLibsvmPayload } from './parse-payload.js';
export type { PayloadMatrix } from './parse-payload.js';
export { MAX_PAYLOAD_ROWS, MAX_PAYLOAD_CELLS, checkPayloadShape, resolvePayloadLimits } from './payload-limits.js';
export type { PayloadLimits, ResolvedPayloadLimits } from './payload-limits.js';
export { encodePredictions, negotiateAccept } from './encode-predictions.js';
export type { AcceptType } from './encode-predictions.js';
export { formatScore } from './format-score.js';
export { parseScores } from './parse-scores.js';
export type { ParseScoresOptions } from './parse-scores.js';

// --- Event service ---
export { startEventService, parseEventsBody, EventRequestError, LOG_EVENT_FIELDS } from './event-service.js';
export type { EventServiceOptions, EventService, EventServiceStats, EventFieldNames } from './event-service.js';
export { parseLiveEvent } from './live-scorer.js';
export type { ParsedLiveEvent } from './live-scorer.js';
export { alertPolicy, stepAlert } from './alert-policy.js';
export { EventClock, DEFAULT_MAX_CLOCK_LEAD_MS, DEFAULT_CLOCK_QUORUM } from './event-clock.js';
export type { EventClockOptions, ClockObservation } from './event-clock.js';
export { escapeId } from './escape-id.js';
export { quantiles } from './replay.js';

// --- Load test ---
export { runLoadTest, ndjsonBodies } from './load-test.js';
export type { LoadTestOptions, LoadTestResult, LatencySummary } from './load-test.js';
