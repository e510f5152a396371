using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/Amsha.Benchmarks -- --filter '*' [--job short]
// dotnet run -c Release --project benchmarks/Amsha.Benchmarks -- generator-report
if (args is ["generator-report"])
{
    Amsha.Benchmarks.GeneratorIncrementalBenchmarks.Report();
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Amsha.Benchmarks.SerializerBenchmarks).Assembly).Run(args);
