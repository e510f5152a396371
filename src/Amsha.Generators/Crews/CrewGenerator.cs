using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Amsha.Generators.Helpers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Amsha.Generators.Crews;

/// <summary>
/// Generates, for each <c>[Crew]</c>/<c>[Crew&lt;TInput&gt;]</c> class, a constructor taking an
/// <c>ExecutionSession</c>, the compile-time plan and the members <c>RunAsync</c>, <c>Start</c> and
/// <c>StartBackground</c>; and one <c>AddAmshaCrews()</c> registering every crew of the assembly.
/// </summary>
[Generator(LanguageNames.CSharp)]
internal sealed partial class CrewGenerator : IIncrementalGenerator
{
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var crews = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                KnownNames.CrewAttribute,
                static (node, _) => node is ClassDeclarationSyntax or RecordDeclarationSyntax,
                static (ctx, ct) => Parser.Parse(ctx, generic: false, ct))
            .Where(static model => model is not null)
            .WithTrackingName(TrackingNames.CrewModels);

        var genericCrews = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                KnownNames.GenericCrewAttribute,
                static (node, _) => node is ClassDeclarationSyntax or RecordDeclarationSyntax,
                static (ctx, ct) => Parser.Parse(ctx, generic: true, ct))
            .Where(static model => model is not null)
            .WithTrackingName(TrackingNames.GenericCrewModels);

        var allCrews = crews.Collect()
            .Combine(genericCrews.Collect())
            .Select(static (pair, _) => Distinct(pair.Left.AddRange(pair.Right)))
            .WithTrackingName(TrackingNames.AllCrews);

        var hasDependencyInjection = context.CompilationProvider
            .Select(static (compilation, _) => compilation.GetTypeByMetadataName(KnownNames.ServiceCollection) is not null)
            .WithTrackingName(TrackingNames.HasDependencyInjection);

        context.RegisterSourceOutput(allCrews, static (spc, models) =>
        {
            foreach (var model in models)
            {
                spc.AddSource(model.HintName, Emitter.EmitCrew(model));
            }
        });

        context.RegisterSourceOutput(allCrews.Combine(hasDependencyInjection), static (spc, pair) =>
        {
            if (pair.Right)
            {
                var registrable = pair.Left.Where(static m => m.CanRegisterInContainer).ToList();
                spc.AddSource("AmshaCrews.ServiceCollectionExtensions.g.cs", Emitter.EmitServiceRegistration(registrable));
            }
        });
    }

    // A crew declared across several partial files, or carrying the attribute twice, must still be emitted once.
    private static EquatableArray<CrewModel> Distinct(ImmutableArray<CrewModel?> models)
    {
        var seen = new HashSet<string>();
        var result = new List<CrewModel>();
        foreach (var model in models)
        {
            if (model is not null && seen.Add(model.HintName))
            {
                result.Add(model);
            }
        }

        return result.ToEquatableArray();
    }
}
