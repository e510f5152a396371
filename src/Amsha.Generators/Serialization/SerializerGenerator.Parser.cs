using System.Threading;
using Amsha.Generators.Helpers;
using Microsoft.CodeAnalysis;

namespace Amsha.Generators.Serialization;

internal sealed partial class SerializerGenerator
{
    /// <summary>Finds the root types of a declaration and turns everything reachable from them into models.</summary>
    internal static class Parser
    {
        /// <summary>The output type of a <c>[CrewTask&lt;TOutput&gt;]</c>; nothing for text tasks.</summary>
        public static EquatableArray<SerializableTypeModel> ParseTaskOutput(AttributeTarget context, CancellationToken cancellationToken)
        {
            foreach (var attribute in context.Attributes)
            {
                if (attribute.AttributeClass is { TypeArguments.Length: 1 } generic
                    && generic.TypeArguments[0] is { SpecialType: not SpecialType.System_String, TypeKind: not TypeKind.Error } output)
                {
                    return Models(output, context.SemanticModel.Compilation, SerializationRoot.TaskOutput, cancellationToken);
                }
            }

            return EquatableArray<SerializableTypeModel>.Empty;
        }

        /// <summary>A type marked <c>[ExecutionState]</c>.</summary>
        public static EquatableArray<SerializableTypeModel> ParseStateType(AttributeTarget context, CancellationToken cancellationToken) =>
            context.TargetSymbol is INamedTypeSymbol type && TypeDeclarations.AllPartial(type, cancellationToken)
                ? Models(type, context.SemanticModel.Compilation, SerializationRoot.ExecutionState, cancellationToken)
                : EquatableArray<SerializableTypeModel>.Empty;

        /// <summary>The input type of a <c>[Crew&lt;TInput&gt;]</c>, when it is serializable (durable executions persist it); silent otherwise.</summary>
        public static EquatableArray<SerializableTypeModel> ParseCrewInput(AttributeTarget context, CancellationToken cancellationToken)
        {
            foreach (var attribute in context.Attributes)
            {
                if (attribute.AttributeClass is { TypeArguments.Length: 1 } generic && generic.TypeArguments[0] is { TypeKind: not TypeKind.Error } input)
                {
                    return Models(input, context.SemanticModel.Compilation, SerializationRoot.CrewInput, cancellationToken);
                }
            }

            return EquatableArray<SerializableTypeModel>.Empty;
        }

        /// <summary>The structured result <c>T</c> of an <c>[AmshaLlmCall]</c> method returning <c>Task&lt;T&gt;</c> or <c>ValueTask&lt;T&gt;</c>; nothing for text, responses and streams.</summary>
        public static EquatableArray<SerializableTypeModel> ParseLlmCallResult(AttributeTarget context, CancellationToken cancellationToken) =>
            context.TargetSymbol is IMethodSymbol method && LlmCallReturns.StructuredResult(method.ReturnType) is { } result
                ? Models(result, context.SemanticModel.Compilation, SerializationRoot.LlmCallResult, cancellationToken)
                : EquatableArray<SerializableTypeModel>.Empty;

        /// <summary>The parameter and result types of a <c>[Tool]</c> method: its arguments and result are read and written by codecs.</summary>
        public static EquatableArray<SerializableTypeModel> ParseToolTypes(AttributeTarget context, CancellationToken cancellationToken)
        {
            if (context.TargetSymbol is not IMethodSymbol method)
            {
                return EquatableArray<SerializableTypeModel>.Empty;
            }

            var models = new System.Collections.Generic.List<SerializableTypeModel>();
            foreach (var parameter in method.Parameters)
            {
                if (parameter.Type.ToDisplayString() != KnownNames.CancellationToken && parameter.Type.TypeKind is not (TypeKind.Error or TypeKind.TypeParameter))
                {
                    models.AddRange(Models(parameter.Type, context.SemanticModel.Compilation, SerializationRoot.CrewInput, cancellationToken));
                }
            }

            if (Tools.ToolboxGenerator.Parser.TryReturn(method.ReturnType, out _, out var result) && result is { SpecialType: not SpecialType.System_String })
            {
                models.AddRange(Models(result, context.SemanticModel.Compilation, SerializationRoot.CrewInput, cancellationToken));
            }

            return models.ToEquatableArray();
        }

        private static EquatableArray<SerializableTypeModel> Models(ITypeSymbol root, Compilation compilation, SerializationRoot kind, CancellationToken cancellationToken)
        {
            var analysis = SerializationRules.Analyze(root, compilation, kind, cancellationToken);
            return analysis.IsSerializable ? analysis.Types.ToEquatableArray() : EquatableArray<SerializableTypeModel>.Empty;
        }
    }
}
