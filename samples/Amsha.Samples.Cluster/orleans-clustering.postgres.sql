-- Orleans cluster membership on PostgreSQL, for Microsoft.Orleans.Clustering.AdoNet (Invariant "Npgsql").
--
-- The ADO.NET provider ships no scripts in its NuGet package; it reads its statements from the table OrleansQuery
-- (columns QueryKey, QueryText) and calls them by key with named parameters (@DeploymentId, @Address, @Port,
-- @Generation, ...), reading result columns by name. This script is written for Amsha's cluster sample against that
-- contract; it may run any number of times (tables are created if missing, statements replaced).
--
-- Concurrency: the version row of a deployment is the table's etag. Every change to a silo row first moves the
-- version forward with "WHERE version = @Version" (which takes the row lock, so a concurrent writer with the same
-- etag re-checks, fails and changes nothing), and the silo row changes only if that update matched.

CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  varchar(64) NOT NULL PRIMARY KEY,
    QueryText text        NOT NULL
);

CREATE TABLE IF NOT EXISTS orleans_cluster_version
(
    deployment_id varchar(150) NOT NULL PRIMARY KEY,
    version       integer      NOT NULL DEFAULT 0,
    changed_at    timestamptz  NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS orleans_cluster_silo
(
    deployment_id  varchar(150)  NOT NULL REFERENCES orleans_cluster_version (deployment_id),
    address        varchar(45)   NOT NULL,
    port           integer       NOT NULL,
    generation     integer       NOT NULL,
    silo_name      varchar(150)  NOT NULL,
    host_name      varchar(150)  NOT NULL,
    status         integer       NOT NULL,
    proxy_port     integer       NULL,
    suspect_times  varchar(8000) NULL,
    start_time     timestamptz   NOT NULL,
    i_am_alive     timestamptz   NOT NULL,
    PRIMARY KEY (deployment_id, address, port, generation)
);

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES

-- Creates the deployment's version row; one column, 1 when created and 0 when it existed.
('InsertMembershipVersionKey', $q$
WITH created AS (
    INSERT INTO orleans_cluster_version (deployment_id) VALUES (@DeploymentId)
    ON CONFLICT (deployment_id) DO NOTHING
    RETURNING 1)
SELECT count(*)::integer FROM created;
$q$),

-- Adds a silo when the table is still at @Version; one column, 1 when added.
('InsertMembershipKey', $q$
WITH advanced AS (
    UPDATE orleans_cluster_version
    SET version = version + 1, changed_at = now()
    WHERE deployment_id = @DeploymentId AND version = @Version
      AND NOT EXISTS (SELECT 1 FROM orleans_cluster_silo
                      WHERE deployment_id = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation)
    RETURNING deployment_id),
added AS (
    INSERT INTO orleans_cluster_silo
        (deployment_id, address, port, generation, silo_name, host_name, status, proxy_port, start_time, i_am_alive)
    SELECT deployment_id, @Address, @Port, @Generation, @SiloName, @HostName, @Status, @ProxyPort, @StartTime, @IAmAliveTime
    FROM advanced
    ON CONFLICT DO NOTHING
    RETURNING 1)
SELECT count(*)::integer FROM added;
$q$),

-- Changes a silo's status, suspicions and liveness when the table is still at @Version; one column, 1 when changed.
('UpdateMembershipKey', $q$
WITH advanced AS (
    UPDATE orleans_cluster_version
    SET version = version + 1, changed_at = now()
    WHERE deployment_id = @DeploymentId AND version = @Version
      AND EXISTS (SELECT 1 FROM orleans_cluster_silo
                  WHERE deployment_id = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation)
    RETURNING deployment_id),
changed AS (
    UPDATE orleans_cluster_silo AS silo
    SET status = @Status, suspect_times = @SuspectTimes, i_am_alive = @IAmAliveTime
    FROM advanced
    WHERE silo.deployment_id = advanced.deployment_id AND silo.address = @Address AND silo.port = @Port AND silo.generation = @Generation
    RETURNING 1)
SELECT count(*)::integer FROM changed;
$q$),

-- A silo's heartbeat: not versioned, never fails.
('UpdateIAmAlivetimeKey', $q$
UPDATE orleans_cluster_silo
SET i_am_alive = @IAmAliveTime
WHERE deployment_id = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation;
$q$),

-- Every silo with the table's version; one row with the version alone when there is no silo yet.
('MembershipReadAllKey', $q$
SELECT v.version AS "Version", v.deployment_id AS "DeploymentId",
       s.address AS "Address", s.port AS "Port", s.generation AS "Generation", s.silo_name AS "SiloName",
       s.host_name AS "HostName", s.status AS "Status", s.proxy_port AS "ProxyPort", s.suspect_times AS "SuspectTimes",
       s.start_time AS "StartTime", s.i_am_alive AS "IAmAliveTime"
FROM orleans_cluster_version AS v
LEFT JOIN orleans_cluster_silo AS s ON s.deployment_id = v.deployment_id
WHERE v.deployment_id = @DeploymentId;
$q$),

-- One silo with the table's version (the version alone when the silo is unknown).
('MembershipReadRowKey', $q$
SELECT v.version AS "Version", v.deployment_id AS "DeploymentId",
       s.address AS "Address", s.port AS "Port", s.generation AS "Generation", s.silo_name AS "SiloName",
       s.host_name AS "HostName", s.status AS "Status", s.proxy_port AS "ProxyPort", s.suspect_times AS "SuspectTimes",
       s.start_time AS "StartTime", s.i_am_alive AS "IAmAliveTime"
FROM orleans_cluster_version AS v
LEFT JOIN orleans_cluster_silo AS s
       ON s.deployment_id = v.deployment_id AND s.address = @Address AND s.port = @Port AND s.generation = @Generation
WHERE v.deployment_id = @DeploymentId;
$q$),

-- The gateways clients may connect to: silos in @Status (Active) with a gateway port.
('GatewaysQueryKey', $q$
SELECT address AS "Address", proxy_port AS "ProxyPort", generation AS "Generation"
FROM orleans_cluster_silo
WHERE deployment_id = @DeploymentId AND status = @Status AND proxy_port > 0;
$q$),

-- Forgets a whole deployment.
('DeleteMembershipTableEntriesKey', $q$
DELETE FROM orleans_cluster_silo WHERE deployment_id = @DeploymentId;
DELETE FROM orleans_cluster_version WHERE deployment_id = @DeploymentId;
$q$),

-- Forgets silos that are not active (status 3) and were last alive before @IAmAliveTime.
('CleanupDefunctSiloEntriesKey', $q$
DELETE FROM orleans_cluster_silo
WHERE deployment_id = @DeploymentId AND i_am_alive < @IAmAliveTime AND status <> 3;
$q$)

ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;
