using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/Amsha.Benchmarks -- --filter '*' [--job short]
// dotnet run -c Release --project benchmarks/Amsha.Benchmarks -- generator-report
// dotnet run -c Release --project benchmarks/Amsha.Benchmarks -- generator-profile unrelated|record|cold 300   (under dotnet-trace)
// dotnet run -c Release --project benchmarks/Amsha.Benchmarks -- build-report
// dotnet run -c Release --project benchmarks/Amsha.Benchmarks -- attribute-binding-report
// dotnet run -c Release --project benchmarks/Amsha.Benchmarks -- call-profile raw|raw-prompt|agent|call|crew|three|background|background-nothing|handoff|crew-on-pool|stream|stream-agent 20000000   (also under dotnet-trace)
// dotnet run -c Release --project benchmarks/Amsha.Benchmarks -- scale-report [amsha|amsha-nothing|agent|agent-on-pool|amsha-yielding|agent-yielding] [own-thread]
// dotnet run -c Release --project benchmarks/Amsha.Benchmarks -- retained-report
// dotnet run -c Release --project benchmarks/Amsha.Benchmarks -- allocation-report raw|agent|call|crew|three|background|background-nothing 200000
if (args is ["generator-report"])
{
    Amsha.Benchmarks.GeneratorIncrementalBenchmarks.Report();
    return;
}

if (args is ["generator-profile", var edit, var count])
{
    Amsha.Benchmarks.GeneratorIncrementalBenchmarks.Profile(edit, int.Parse(count, System.Globalization.CultureInfo.InvariantCulture));
    return;
}

if (args is ["scale-report", .. var scaleStack])
{
    await Amsha.Benchmarks.ScaleBenchmarks.Report(scaleStack is [var named, ..] ? named : "amsha", fromOwnThread: scaleStack is [_, "own-thread"]);
    return;
}

if (args is ["retained-report"])
{
    Amsha.Benchmarks.RetainedReport.Run();
    return;
}

if (args is ["call-profile", var row, var runs])
{
    await Amsha.Benchmarks.CallProfile.Run(row, int.Parse(runs, System.Globalization.CultureInfo.InvariantCulture));
    return;
}

if (args is ["allocation-report", var allocatingRow, var allocatingRuns])
{
    await Amsha.Benchmarks.AllocationReport.Run(allocatingRow, int.Parse(allocatingRuns, System.Globalization.CultureInfo.InvariantCulture));
    return;
}

if (args is ["attribute-binding-report"])
{
    Amsha.Benchmarks.AttributeBindingReport.Run();
    return;
}

if (args is ["build-report"])
{
    Amsha.Benchmarks.GeneratorBuildReport.Run();
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Amsha.Benchmarks.SerializerBenchmarks).Assembly).Run(args);
