using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Threading.Tasks;
using Amsha.Tests.Support;

namespace Amsha.Tests.Execution;

/// <summary>Execution and request ids: random GUIDs in the "N" format, distinct across threads and across refills of a thread's random bytes.</summary>
public sealed class ExecutionIdsTests
{
    [Fact]
    public void An_id_is_a_random_guid_in_the_N_format()
    {
        for (var i = 0; i < 300; i++)
        {
            var id = ExecutionIds.Next();
            Assert.Equal(32, id.Length);
            Assert.True(id.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f'), id);
            Assert.True(Guid.TryParseExact(id, "N", out var guid), id);

            // Version 4, RFC variant: "xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx".
            var text = guid.ToString("D");
            Assert.Equal('4', text[14]);
            Assert.Contains(text[19], "89ab");
        }
    }

    [Fact]
    public async Task Ids_are_distinct_across_threads_and_refills()
    {
        // Each worker takes more ids than one fill of its thread's random bytes holds.
        const int Workers = 4;
        const int PerWorker = 1_000;
        var seen = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        await Task.WhenAll(Enumerable.Range(0, Workers).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < PerWorker; i++)
            {
                seen.AddOrUpdate(ExecutionIds.Next(), 1, static (_, count) => count + 1);
            }
        }, TestContext.Current.CancellationToken)));

        Assert.Equal(Workers * PerWorker, seen.Count);
        Assert.All(seen.Values, count => Assert.Equal(1, count));

        // Random, not counted: no two ids of a run share their first 8 hex digits more often than chance allows (at
        // 4,000 ids of 32 random bits, a shared prefix is about a 0.2 % event; a counter or a reused buffer shares it always).
        Assert.True(seen.Keys.Select(id => id[..8]).Distinct().Count() >= (Workers * PerWorker) - 2);
    }

    [Fact]
    public async Task Executions_are_named_by_such_ids()
    {
        var session = TestCrews.Session(new OfflineChatClient());
        var first = session.StartBackground(TestCrews.ResearchAndWrite(), "a");
        var second = session.StartBackground(TestCrews.ResearchAndWrite(), "b");
        await first.ResultAsync(TestContext.Current.CancellationToken).WaitAsync(TestCrews.Timeout, TestContext.Current.CancellationToken);
        await second.ResultAsync(TestContext.Current.CancellationToken).WaitAsync(TestCrews.Timeout, TestContext.Current.CancellationToken);

        Assert.True(Guid.TryParseExact(first.ExecutionId, "N", out _), first.ExecutionId);
        Assert.NotEqual(first.ExecutionId, second.ExecutionId);
    }
}
