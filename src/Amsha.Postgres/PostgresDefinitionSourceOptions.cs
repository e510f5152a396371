using System;
using Npgsql;

namespace Amsha.Postgres;

/// <summary>Where a <see cref="PostgresDefinitionSource"/> keeps its definitions and how it watches them.</summary>
public sealed record PostgresDefinitionSourceOptions
{
    /// <summary>The table name used when <see cref="TableName"/> is not set: <c>amsha_definitions</c>.</summary>
    public const string DefaultTableName = "amsha_definitions";

    /// <summary>The default limit of one definition's JSON body: 256 K characters.</summary>
    public const int DefaultMaxBodyCharacters = 256 * 1024;

    /// <summary>An Npgsql connection string; give this or <see cref="DataSource"/>. The source then owns its connection pool.</summary>
    public string? ConnectionString { get; init; }

    /// <summary>The database as an Npgsql data source; give this or <see cref="ConnectionString"/>. It stays the caller's to dispose.</summary>
    public NpgsqlDataSource? DataSource { get; init; }

    /// <summary>The PostgreSQL schema of the tables (default <c>public</c>), created when missing: a plain identifier.</summary>
    public string SchemaName { get; init; } = PostgresExecutionStore.DefaultSchemaName;

    /// <summary>
    /// The table of definitions (default <c>amsha_definitions</c>): a plain identifier (ASCII letters, digits and
    /// underscores, not starting with a digit or <c>pg_</c>, at most 63 characters, not one of Amsha's other tables).
    /// </summary>
    public string TableName { get; init; } = DefaultTableName;

    /// <summary>
    /// How often the source looks for rows other connections or processes wrote (default 2 seconds), once a reload token
    /// was asked for. <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> turns polling off: the token then fires only
    /// after this source's own saves.
    /// </summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The clock of polling and of the rows' <c>created_at</c>; the system clock by default.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>The largest JSON body of one definition, in characters (default 256 K); larger ones are rejected on save and on load.</summary>
    public int MaxBodyCharacters { get; init; } = DefaultMaxBodyCharacters;
}
