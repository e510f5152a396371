using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Amsha.Benchmarks;

/// <summary>
/// What the semantic reading of the marked declarations costs on a new compilation of <see cref="TwoHundredCrews"/>,
/// against each generator's whole cold run, and which of Amsha's generators the cold run spends its time in: whether
/// reading the attributes from syntax (binding only the attribute's class and the types it names) could be much
/// cheaper than letting Roslyn bind them. Each row starts from a new compilation sharing the references already read;
/// medians of 15 rounds after 5 warm-ups, in one process (fewer warm-ups than the BenchmarkDotNet comparison, so
/// whole runs read slower here).
/// </summary>
internal static class AttributeBindingReport
{
    private const int WarmUps = 5;
    private const int Rounds = 15;

    public static void Run()
    {
        var project = new TwoHundredCrews();
        var amsha = project.AmshaCompilation();
        var json = project.JsonCompilation();
        var amshaGenerators = GeneratorHost.AmshaGenerators();
        var jsonGenerators = GeneratorHost.JsonGenerators();
        var rows = new (string Name, Func<int> Work)[]
        {
            ("Amsha: the 1,200 marked classes declared (GetDeclaredSymbol)", () => EachMarkedClass(project, amsha, static (_, _, _) => 1)),
            ("Amsha: ... and their 1,200 attributes bound (GetAttributes)", () => EachMarkedClass(project, amsha, static (_, symbol, _) => symbol.GetAttributes().Length)),
            ("Amsha: ... and only each attribute's class and typeof operands bound (syntax reading)", () => EachMarkedClass(project, amsha, BindNamedTypesOnly)),
            ("System.Text.Json: its context class declared and its 200 attributes bound", () => ContextAttributes(project, json)),
            ("Amsha generators, cold run", () => Cold(amshaGenerators, amsha)),
            ("System.Text.Json generator, cold run", () => Cold(jsonGenerators, json)),
        };

        foreach (var (name, work) in rows)
        {
            var count = 0;
            for (var i = 0; i < WarmUps; i++)
            {
                count = work();
            }

            var times = new double[Rounds];
            var allocated = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < Rounds; i++)
            {
                var watch = Stopwatch.StartNew();
                work();
                times[i] = watch.Elapsed.TotalMilliseconds;
            }

            allocated = (GC.GetAllocatedBytesForCurrentThread() - allocated) / Rounds;
            Array.Sort(times);
            Console.WriteLine($"{times[Rounds / 2],8:F1} ms {allocated / 1048576.0,8:F1} MB  {name} ({count} read)");
        }

        // Where a cold run of Amsha's generators goes, generator by generator (Roslyn's own timing, medians).
        var perGenerator = new Dictionary<string, List<double>>();
        for (var i = 0; i < WarmUps + Rounds; i++)
        {
            var timing = CSharpGeneratorDriver.Create(amshaGenerators, parseOptions: GeneratorHost.ParseOptions)
                .RunGenerators(Fresh(amsha))
                .GetTimingInfo();
            foreach (var generator in timing.GeneratorTimes)
            {
                var key = generator.Generator.GetGeneratorType().Name;
                if (!perGenerator.TryGetValue(key, out var list))
                {
                    perGenerator[key] = list = [];
                }

                if (i >= WarmUps)
                {
                    list.Add(generator.ElapsedTime.TotalMilliseconds);
                }
            }
        }

        foreach (var (generator, list) in perGenerator.OrderByDescending(pair => pair.Value.Sum()))
        {
            list.Sort();
            Console.WriteLine($"{list[list.Count / 2],8:F1} ms  Amsha cold run: {generator}");
        }
    }

    // A new compilation of the same trees that shares the references already read, as the generator benchmark's cold run does.
    private static CSharpCompilation Fresh(CSharpCompilation compilation) => compilation.RemoveAllSyntaxTrees().AddSyntaxTrees(compilation.SyntaxTrees);

    private static int EachMarkedClass(TwoHundredCrews project, CSharpCompilation amsha, Func<SemanticModel, INamedTypeSymbol, ClassDeclarationSyntax, int> read)
    {
        var compilation = Fresh(amsha);
        var count = 0;
        foreach (var tree in project.Crews)
        {
            var model = compilation.GetSemanticModel(tree);
            foreach (var node in tree.GetRoot().DescendantNodes().OfType<ClassDeclarationSyntax>())
            {
                count += read(model, model.GetDeclaredSymbol(node)!, node);
            }
        }

        return count;
    }

    // The least a syntax reader must still bind: the attribute's class (to know it is Amsha's) and each type named by typeof.
    private static int BindNamedTypesOnly(SemanticModel model, INamedTypeSymbol symbol, ClassDeclarationSyntax node)
    {
        var count = 0;
        foreach (var attribute in node.AttributeLists.SelectMany(static list => list.Attributes))
        {
            TypeSyntax attributeClass = attribute.Name switch
            {
                GenericNameSyntax generic => generic.WithIdentifier(SyntaxFactory.Identifier(generic.Identifier.Text + "Attribute")),
                IdentifierNameSyntax simple => SyntaxFactory.IdentifierName(simple.Identifier.Text + "Attribute"),
                var other => other,
            };
            count += model.GetSpeculativeSymbolInfo(attribute.SpanStart, attributeClass, SpeculativeBindingOption.BindAsTypeOrNamespace).Symbol is null ? 0 : 1;
            foreach (var operand in attribute.DescendantNodes().OfType<TypeOfExpressionSyntax>())
            {
                count += model.GetSpeculativeSymbolInfo(operand.Type.SpanStart, operand.Type, SpeculativeBindingOption.BindAsTypeOrNamespace).Symbol is null ? 0 : 1;
            }
        }

        return count;
    }

    private static int ContextAttributes(TwoHundredCrews project, CSharpCompilation json)
    {
        var compilation = Fresh(json);
        var model = compilation.GetSemanticModel(project.JsonContext);
        var context = project.JsonContext.GetRoot().DescendantNodes().OfType<ClassDeclarationSyntax>().Single();
        return model.GetDeclaredSymbol(context)!.GetAttributes().Length;
    }

    private static int Cold(ISourceGenerator[] generators, CSharpCompilation compilation) =>
        CSharpGeneratorDriver.Create(generators, parseOptions: GeneratorHost.ParseOptions)
            .RunGenerators(Fresh(compilation))
            .GetRunResult().GeneratedTrees.Length;
}
