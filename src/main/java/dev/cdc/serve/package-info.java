/**
 * {@code cdc serve}: pipelines (a source and its tables, their topics, a target) defined and run
 * through an HTTP API. {@code PipelineDefinition} checks a definition and turns it into the
 * arguments of the commands, {@code Commands} runs those in this process (given by {@code cli}),
 * {@code PipelineRun} is one running pipeline, {@code Pipelines} the set and their lifecycle,
 * {@code PipelineStore} their table in the state database, {@code Secrets} the passwords kept
 * there, {@code ApiServer} the routes on Javalin ({@code TopicRoutes}: topics;
 * {@code PipelineOffsets}: a pipeline's offsets; {@code RunningHere}: what runs in this process, following
 * the state database). Uses ops, consume, engine, target, kafka, db, base;
 * used by cli only.
 */
package dev.cdc.serve;
