using System.Collections.Immutable;
using System.Linq;
using Amsha.Generators.Definitions;
using Amsha.Generators.Helpers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Amsha.Generators.Crews;

/// <summary>
/// Generates, for each <c>[Crew]</c>/<c>[Crew&lt;TInput&gt;]</c> class, a constructor taking an
/// <c>ExecutionSession</c>, the compile-time plan and the members <c>RunAsync</c>, <c>Start</c> and
/// <c>StartBackground</c>; the same for every crew of the project's definition files (YAML, see
/// <see cref="Definitions.DefinitionPipeline"/>), as a partial class named after the crew; and one <c>AddAmshaCrews()</c>
/// registering every crew of the assembly.
/// </summary>
[Generator(LanguageNames.CSharp)]
internal sealed partial class CrewGenerator : IIncrementalGenerator
{
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var declarations = DeclarationSnapshot.Of(context);
        var crews = declarations
            .ForAttribute(
                KnownNames.CrewAttribute,
                static node => node is ClassDeclarationSyntax or RecordDeclarationSyntax,
                static (ctx, ct) => Parser.Parse(ctx, generic: false, ct))
            .Where(static model => model is not null)
            .WithTrackingName(TrackingNames.CrewModels);

        var genericCrews = declarations
            .ForAttribute(
                KnownNames.GenericCrewAttribute,
                static node => node is ClassDeclarationSyntax or RecordDeclarationSyntax,
                static (ctx, ct) => Parser.Parse(ctx, generic: true, ct))
            .Where(static model => model is not null)
            .WithTrackingName(TrackingNames.GenericCrewModels);

        // Crews read from definition files (YAML), bound to the compilation's types: the same models, emitted the same way.
        var definedCrews = DefinitionPipeline.CrewModels(context, declarations);

        // One output per crew: editing one crew regenerates only that crew. Files are told apart ignoring case, so
        // crews whose file names differ only in case are found once over all of them and get hashed names.
        var caseClashes = GeneratedFiles.CaseClashes(
            crews.Select(static (model, _) => model!.HintName),
            genericCrews.Select(static (model, _) => model!.HintName),
            definedCrews.Select(static (model, _) => model.HintName));
        context.RegisterSourceOutput(crews.Combine(caseClashes), static (spc, pair) => spc.AddSource(GeneratedFiles.NameFor(pair.Left!.HintName, pair.Right), Emitter.EmitCrew(pair.Left, spc.CancellationToken)));
        context.RegisterSourceOutput(genericCrews.Combine(caseClashes), static (spc, pair) => spc.AddSource(GeneratedFiles.NameFor(pair.Left!.HintName, pair.Right), Emitter.EmitCrew(pair.Left, spc.CancellationToken)));
        context.RegisterSourceOutput(definedCrews.Combine(caseClashes), static (spc, pair) => spc.AddSource(GeneratedFiles.NameFor(pair.Left.HintName, pair.Right), Emitter.EmitCrew(pair.Left, spc.CancellationToken)));

        // The registration needs every crew, but only their names: a crew's text can change without re-emitting it.
        var registrations = crews.Select(static (model, _) => RegistrationName(model!))
            .Collect()
            .Combine(genericCrews.Select(static (model, _) => RegistrationName(model!)).Collect())
            .Combine(definedCrews.Select(static (model, _) => RegistrationName(model)).Collect())
            .Select(static (names, _) => Registrable(names.Left.Left.AddRange(names.Left.Right).AddRange(names.Right)))
            .WithTrackingName(TrackingNames.CrewRegistrations);

        // By the referenced assemblies' names: this runs on every edit, and a type lookup by metadata name searches
        // every reference of a new compilation (about a tenth of the generators' time after an unrelated edit).
        var dependencyInjection = context.CompilationProvider
            .Select(static (compilation, _) => DependencyInjectionFacts.Of(compilation))
            .WithTrackingName(TrackingNames.HasDependencyInjection);

        // Toolboxes the container can construct (concrete classes), by name, so the registration injects their constructors.
        var toolboxes = declarations
            .ForAttribute(
                KnownNames.ToolboxAttribute,
                static node => node is ClassDeclarationSyntax or RecordDeclarationSyntax,
                static (ctx, _) => ctx.TargetSymbol is INamedTypeSymbol { IsAbstract: false, IsStatic: false, IsGenericType: false } type && Parser.CanRegister(type) ? type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) : null)
            .Where(static name => name is not null)
            .Collect()
            .Select(static (names, _) => names.Distinct().OrderBy(static n => n, System.StringComparer.Ordinal).Select(static n => n!).ToEquatableArray())
            .WithTrackingName(TrackingNames.ToolboxRegistrations);

        context.RegisterSourceOutput(registrations.Combine(toolboxes).Combine(dependencyInjection), static (spc, pair) =>
        {
            if (pair.Right.HasServiceCollection)
            {
                spc.AddSource("AmshaCrews.ServiceCollectionExtensions.g.cs", Emitter.EmitServiceRegistration(pair.Left.Left, pair.Left.Right, pair.Right.HasAmshaBuilder, spc.CancellationToken));
            }
        });
    }

    /// <summary>The type name the registration needs, or null for a crew the container cannot create.</summary>
    private static string? RegistrationName(CrewModel model) => model.CanRegisterInContainer ? model.FullyQualifiedName : null;

    // Sorted, so the registration reads the same whatever order the crews were found in.
    private static EquatableArray<string> Registrable(ImmutableArray<string?> names) =>
        names.Where(static name => name is not null).Select(static name => name!).Distinct().OrderBy(static name => name, System.StringComparer.Ordinal).ToEquatableArray();
}

/// <summary>What the compilation offers for the DI registration: the service collection, and Amsha's builder.</summary>
internal readonly record struct DependencyInjectionFacts(bool HasServiceCollection, bool HasAmshaBuilder)
{
    /// <summary><c>IServiceCollection</c> comes with Microsoft.Extensions.DependencyInjection.Abstractions, <c>AmshaBuilder</c> with the Amsha runtime.</summary>
    public static DependencyInjectionFacts Of(Compilation compilation)
    {
        bool hasServiceCollection = false, hasAmshaBuilder = false;
        foreach (var reference in compilation.ReferencedAssemblyNames)
        {
            hasServiceCollection |= reference.Name == KnownNames.DependencyInjectionAssembly;
            hasAmshaBuilder |= reference.Name == KnownNames.RuntimeAssembly;
        }

        return new DependencyInjectionFacts(hasServiceCollection, hasAmshaBuilder && hasServiceCollection);
    }
}
