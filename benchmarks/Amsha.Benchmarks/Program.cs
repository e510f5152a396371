using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/Amsha.Benchmarks -- --filter '*' [--job short]
BenchmarkSwitcher.FromAssembly(typeof(Amsha.Benchmarks.SerializerBenchmarks).Assembly).Run(args);
