using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Amsha.TestKit.Models;
using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;

namespace Amsha.Benchmarks;

/// <summary>
/// <c>-- retained-report</c>: what 10,000 runs keep alive, finished with their results held (as <c>Task.WhenAll</c>
/// holds them in <see cref="ScaleBenchmarks"/>) and while each waits for its model. A collection that falls while
/// runs are alive marks and copies this: it is the garbage collector's share of a batch.
/// </summary>
internal static class RetainedReport
{
    private const int Runs = 10_000;

    public static void Run()
    {
        Measure("10,000 arrays of 1,000 bytes (the measurement's own check)", () => Task.FromResult(Enumerable.Range(0, Runs).Select(_ => (object)new byte[1_000]).ToArray()));
        var benchmarks = new ScaleBenchmarks();
        benchmarks.Setup();
        Measure("Agent Framework RunAsync results", () => benchmarks.AgentFrameworkResults(Runs));
        Measure("Amsha background results, store that keeps nothing", () => benchmarks.AmshaResults(Runs, keep: false));
        Measure("Amsha background results and records, in-memory store", () => benchmarks.AmshaResults(Runs, keep: true));

        Queued("Agent Framework runs, each handed to the thread pool", client =>
        {
            var agent = new ChatClientAgent(client, "You are Analyst. Brief.");
            return () => Task.Run(() => agent.RunAsync("Answer a question about Rust."));
        });
        Queued("Amsha background runs, store that keeps nothing", client =>
        {
            var crew = new OneTaskCrew(new ExecutionSession(OptionsOver(client), new DiscardingExecutionStore()));
            return () => crew.StartBackground(new BenchTopic("Rust")).ResultAsync();
        });

        InFlight("Agent Framework runs", client =>
        {
            var agent = new ChatClientAgent(client, "You are Analyst. Brief.");
            return () => agent.RunAsync("Answer a question about Rust.");
        });
        InFlight("Amsha background runs, store that keeps nothing", client =>
        {
            var crew = new OneTaskCrew(new ExecutionSession(OptionsOver(client), new DiscardingExecutionStore()));
            return () => crew.StartBackground(new BenchTopic("Rust")).ResultAsync();
        });
        InFlight("Amsha background runs, in-memory store", client =>
        {
            var crew = new OneTaskCrew(new ExecutionSession(OptionsOver(client), new InMemoryExecutionStore()));
            return () => crew.StartBackground(new BenchTopic("Rust")).ResultAsync();
        });
    }

    private static AmshaOptions OptionsOver(IChatClient client)
    {
        var options = new AmshaOptions();
        options.Llm.UseDefaultChatClient(client);
        return options;
    }

    /// <summary>
    /// What 10,000 runs keep alive while each waits for its model's answer (the state of a batch of real runs for most
    /// of its time): the heap with all of them at the model less the heap once they finished and were dropped.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void InFlight(string what, Func<IChatClient, Func<Task>> stack)
    {
        var model = new HeldChatClient(new ShortAnswerChatClient());
        var start = stack(model);
        WarmInFlight(start);
        var allWaiting = model.Close(Runs);
        var runs = new Task[Runs];
        for (var i = 0; i < Runs; i++)
        {
            runs[i] = start();
        }

        allWaiting.GetAwaiter().GetResult(); // a report tool, not a test: blocking is fine here
        var waiting = HeapAfterFullCollection();
        HoldForDump(what + ", waiting for the model");
        model.Open();
        Task.WhenAll(runs).GetAwaiter().GetResult();
        runs = null;
        var done = HeapAfterFullCollection();
        Console.WriteLine($"{what}, waiting for the model: {(waiting - done) / (double)Runs:N0} B retained per run");
    }

    /// <summary>
    /// What 10,000 runs keep alive while they wait in the thread pool's queue for a thread (where most of a batch of
    /// <see cref="ScaleBenchmarks"/> is when a collection falls): every pool thread is held, the runs are started,
    /// and the heap with them queued is compared with the heap once they finished and were dropped.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Queued(string what, Func<IChatClient, Func<Task>> stack)
    {
        var start = stack(new ShortAnswerChatClient());
        for (var i = 0; i < 100; i++)
        {
            start().GetAwaiter().GetResult();
        }

        ThreadPool.GetMaxThreads(out var workers, out var ports);
        ThreadPool.GetMinThreads(out var minWorkers, out var minPorts);
        var cores = Environment.ProcessorCount;
        ThreadPool.SetMinThreads(cores, minPorts);
        ThreadPool.SetMaxThreads(cores, ports);
        using var release = new ManualResetEventSlim();
        using var held = new CountdownEvent(cores);
        var holders = Enumerable.Range(0, cores).Select(_ => Task.Run(() =>
        {
            held.Signal();
            release.Wait(); // a report tool, not a test: holding the pool's threads is the point
        })).ToArray();
        held.Wait();
        var runs = new Task[Runs];
        for (var i = 0; i < Runs; i++)
        {
            runs[i] = start();
        }

        var queued = HeapAfterFullCollection();
        HoldForDump(what + ", queued");
        release.Set();
        Task.WhenAll(holders).GetAwaiter().GetResult();
        Task.WhenAll(runs).GetAwaiter().GetResult();
        ThreadPool.SetMaxThreads(workers, ports);
        ThreadPool.SetMinThreads(minWorkers, minPorts);
        runs = null;
        var done = HeapAfterFullCollection();
        Console.WriteLine($"{what}, queued: {(queued - done) / (double)Runs:N0} B retained per run");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void WarmInFlight(Func<Task> start)
    {
        for (var i = 0; i < 100; i++)
        {
            start().GetAwaiter().GetResult();
        }
    }

    // Synchronous on purpose (an awaiting method would keep the results in its awaiter), and optimized at once:
    // unoptimized code keeps every local alive to the method's end. Measured as the heap with the results held less
    // the heap once they are dropped, so that nothing else alive counts.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Measure(string what, Func<Task<object[]>> run)
    {
        Warm(run);
        var held = run().GetAwaiter().GetResult();
        var count = held.Length;
        var withResults = HeapAfterFullCollection();
        HoldForDump(what);
        GC.KeepAlive(held);
        held = null;
        var withoutResults = HeapAfterFullCollection();
        Console.WriteLine($"{what}: {(withResults - withoutResults) / (double)Runs:N0} B retained per run ({count:N0} results held)");
    }

    // AMSHA_RETAINED_HOLD=<seconds>: waits with the runs held, for `dotnet-gcdump collect -p <pid>` to see what they keep.
    private static void HoldForDump(string what)
    {
        if (int.TryParse(Environment.GetEnvironmentVariable("AMSHA_RETAINED_HOLD"), out var seconds) && seconds > 0)
        {
            Console.WriteLine($"holding {what} for {seconds} s (pid {Environment.ProcessId})");
            Thread.Sleep(TimeSpan.FromSeconds(seconds));
        }
    }

    // Apart, so that no stack slot of the measuring method holds the warm-up's results.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Warm(Func<Task<object[]>> run) => run().GetAwaiter().GetResult();

    private static long HeapAfterFullCollection()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: false);
    }
}
