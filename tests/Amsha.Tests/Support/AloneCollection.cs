namespace Amsha.Tests.Support;

/// <summary>
/// Tests that run with no other test beside them: measurements another test would disturb (a tracing listener adds
/// spans to an allocation count), and loads that would starve other tests' loopback calls of threads until their
/// attempt timeouts pass.
/// </summary>
[CollectionDefinition(nameof(AloneCollection), DisableParallelization = true)]
public sealed class AloneCollection;
