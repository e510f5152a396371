using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using Amsha.Generators.Helpers;
using Microsoft.CodeAnalysis;

namespace Amsha.Generators.Serialization;

/// <summary>One argument of a tool: the method parameter and the description the model reads.</summary>
internal readonly struct ToolParameter
{
    public ToolParameter(IParameterSymbol symbol, string? description)
    {
        Symbol = symbol;
        Description = description;
    }

    public IParameterSymbol Symbol { get; }

    public string? Description { get; }
}

internal static partial class SerializationRules
{
    /// <summary>
    /// The arguments object of a tool as a codec model: each parameter a member of the generated arguments class
    /// <paramref name="typeName"/> (read through its constructor, optional parameters optional with their defaults),
    /// and its schema with descriptions and defaults. Each parameter's type follows the same rules as any
    /// serialized member; null with <paramref name="problems"/> when one cannot be serialized.
    /// </summary>
    public static SerializableTypeModel? DescribeArguments(string typeName, string displayName, string codecName, IReadOnlyList<ToolParameter> parameters, Compilation compilation, List<SerializationProblem> problems, CancellationToken cancellationToken)
    {
        var members = new List<MemberModel>(parameters.Count);
        var properties = new List<SchemaProperty>(parameters.Count);
        var uses = new List<string>();
        var seen = new HashSet<string>(System.StringComparer.Ordinal);
        foreach (var parameter in parameters)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var symbol = parameter.Symbol;
            var analysis = Analyze(symbol.Type, compilation, SerializationRoot.CrewInput, cancellationToken);
            if (!analysis.IsSerializable)
            {
                foreach (var problem in analysis.Problems)
                {
                    problems.Add(new SerializationProblem(symbol.Name + (problem.MemberPath.IndexOf('.') is var dot and >= 0 ? problem.MemberPath.Substring(dot) : ""), problem.Reason));
                }

                if (analysis.Problems.Count == 0)
                {
                    problems.Add(new SerializationProblem(symbol.Name, $"a tool argument of type '{Display(symbol.Type)}' cannot be serialized"));
                }

                continue;
            }

            var optional = symbol.HasExplicitDefaultValue;
            members.Add(new MemberModel(ArgumentProperty(symbol.Name), symbol.Name, symbol.Type.ToDisplayString(TypeFormat), analysis.Root!, MemberInit.Constructor, !optional, optional ? DefaultValue(symbol) : null));
            var schema = SchemaBuilder.Describe(codecName, analysis.Root!, cancellationToken);
            foreach (var used in schema.Uses)
            {
                if (seen.Add(used))
                {
                    uses.Add(used);
                }
            }

            properties.Add(new SchemaProperty(symbol.Name, schema.Value, !optional, parameter.Description, optional ? DefaultJson(symbol) : null));
        }

        if (problems.Count > 0)
        {
            return null;
        }

        var order = new int[members.Count];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        var typeSchema = new TypeSchema(SchemaBuilder.SchemaName(codecName), new ObjectSchema(properties.ToEquatableArray()), uses.ToEquatableArray());
        return new SerializableTypeModel(typeName, displayName, codecName, GeneratedNames.FileName(codecName, ".g.cs"), CodecKind.Object, IsValueType: false, "", EquatableArray<EnumMemberModel>.Empty, members.ToEquatableArray(), order.ToEquatableArray(), null, typeSchema, RejectsUnknownMembers: true);
    }

    /// <summary>The property of the generated arguments class that holds parameter <paramref name="name"/>.</summary>
    public static string ArgumentProperty(string name) => "Arg_" + name;

    /// <summary>The JSON of an optional parameter's default value, for the schema's <c>default</c>.</summary>
    private static string DefaultJson(IParameterSymbol parameter)
    {
        var value = parameter.ExplicitDefaultValue;
        if (value is null)
        {
            return "null";
        }

        if (parameter.Type.TypeKind == TypeKind.Enum)
        {
            foreach (var member in parameter.Type.GetMembers())
            {
                if (member is IFieldSymbol { HasConstantValue: true } field && Equals(field.ConstantValue, value))
                {
                    return SchemaWriter.Quote(field.Name);
                }
            }

            return "null";
        }

        return value switch
        {
            string text => SchemaWriter.Quote(text),
            char c => SchemaWriter.Quote(c.ToString()),
            bool b => b ? "true" : "false",
            float f => f.ToString("R", CultureInfo.InvariantCulture),
            double d => d.ToString("R", CultureInfo.InvariantCulture),
            decimal m => m.ToString(CultureInfo.InvariantCulture),
            _ => System.Convert.ToString(value, CultureInfo.InvariantCulture) ?? "null",
        };
    }
}
