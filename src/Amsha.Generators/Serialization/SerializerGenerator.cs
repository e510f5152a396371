using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Amsha.Generators.Helpers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Amsha.Generators.Serialization;

/// <summary>
/// Generates a reflection-free JSON codec and JSON Schema for every task output type, every
/// <c>[ExecutionState]</c> type, every serializable crew input type and the types reachable from
/// them, and a module initializer that registers the codecs in <c>JsonCodecs</c>.
/// </summary>
[Generator(LanguageNames.CSharp)]
internal sealed partial class SerializerGenerator : IIncrementalGenerator
{
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var taskOutputs = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                KnownNames.GenericCrewTaskAttribute,
                static (node, _) => node is ClassDeclarationSyntax or RecordDeclarationSyntax,
                static (ctx, ct) => Parser.ParseTaskOutput(ctx, ct))
            .WithTrackingName(TrackingNames.TaskOutputTypes);

        var stateTypes = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                KnownNames.ExecutionStateAttribute,
                static (node, _) => node is TypeDeclarationSyntax,
                static (ctx, ct) => Parser.ParseStateType(ctx, ct))
            .WithTrackingName(TrackingNames.ExecutionStateTypes);

        var crewInputs = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                KnownNames.GenericCrewAttribute,
                static (node, _) => node is ClassDeclarationSyntax or RecordDeclarationSyntax,
                static (ctx, ct) => Parser.ParseCrewInput(ctx, ct))
            .WithTrackingName(TrackingNames.CrewInputTypes);

        var allTypes = taskOutputs.Collect()
            .Combine(stateTypes.Collect())
            .Combine(crewInputs.Collect())
            .Select(static (all, _) => Distinct(all.Left.Left, all.Left.Right, all.Right))
            .WithTrackingName(TrackingNames.AllSerializableTypes);

        context.RegisterSourceOutput(allTypes, static (spc, types) =>
        {
            if (types.Count == 0)
            {
                return;
            }

            foreach (var type in types)
            {
                spc.AddSource(type.HintName, Emitter.EmitCodec(type));
            }

            spc.AddSource("AmshaJsonCodecs.Registration.g.cs", Emitter.EmitRegistration(types));
        });
    }

    // The same type reached from several roots is emitted once; ordered by name for stable output.
    private static EquatableArray<SerializableTypeModel> Distinct(params ImmutableArray<EquatableArray<SerializableTypeModel>>[] groups)
    {
        var byCodec = new SortedDictionary<string, SerializableTypeModel>(System.StringComparer.Ordinal);
        foreach (var models in groups.SelectMany(g => g).SelectMany(m => m))
        {
            if (!byCodec.ContainsKey(models.CodecName))
            {
                byCodec.Add(models.CodecName, models);
            }
        }

        return byCodec.Values.ToEquatableArray();
    }
}
