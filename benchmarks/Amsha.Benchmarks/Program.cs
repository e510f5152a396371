using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/Amsha.Benchmarks -- --filter '*' [--job short]
// dotnet run -c Release --project benchmarks/Amsha.Benchmarks -- generator-report
// dotnet run -c Release --project benchmarks/Amsha.Benchmarks -- build-report
if (args is ["generator-report"])
{
    Amsha.Benchmarks.GeneratorIncrementalBenchmarks.Report();
    return;
}

if (args is ["build-report"])
{
    Amsha.Benchmarks.GeneratorBuildReport.Run();
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Amsha.Benchmarks.SerializerBenchmarks).Assembly).Run(args);
