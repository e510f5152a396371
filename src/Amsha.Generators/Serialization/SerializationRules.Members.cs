using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using Amsha.Generators.Helpers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Amsha.Generators.Serialization;

internal static partial class SerializationRules
{
    private const string JsonIgnoreAttribute = "System.Text.Json.Serialization.JsonIgnoreAttribute";
    private const string JsonPropertyNameAttribute = "System.Text.Json.Serialization.JsonPropertyNameAttribute";
    private const string JsonConstructorAttribute = "System.Text.Json.Serialization.JsonConstructorAttribute";

    /// <summary>A property a codec reads and writes, and how its value gets into a new instance.</summary>
    /// <param name="Property">The property.</param>
    /// <param name="Init">How it is set on read.</param>
    /// <param name="Required">Whether reading fails when it is absent.</param>
    /// <param name="Parameter">For constructor arguments: the parameter, and its position.</param>
    private sealed record DataMember(IPropertySymbol Property, MemberInit Init, bool Required, IParameterSymbol? Parameter, int ParameterIndex);

    /// <summary>The data of an object type: its properties in declaration order, and the constructor that creates it.</summary>
    /// <param name="Constructor">Null when there is no usable constructor (then nothing is read).</param>
    /// <param name="ReadableProperties">How many public readable properties it has (computed ones included).</param>
    private sealed record DataMembers(IMethodSymbol? Constructor, List<DataMember> Members, int ReadableProperties);

    /// <summary>
    /// The properties a codec of <paramref name="type"/> serializes: public, readable, not <c>[JsonIgnore]</c>, own
    /// before inherited, and either a constructor parameter or settable. The walker describes types from it and
    /// the expansion check follows exactly these members, so both see the same graph.
    /// </summary>
    private static DataMembers SelectMembers(INamedTypeSymbol type, Compilation compilation, CancellationToken cancellationToken)
    {
        var properties = new List<IPropertySymbol>();
        var names = new HashSet<string>();
        for (var current = type; current is not null && current.SpecialType == SpecialType.None && !IsFrameworkType(current); current = current.BaseType)
        {
            foreach (var property in current.GetMembers().OfType<IPropertySymbol>())
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (property.IsStatic || property.IsIndexer || property.DeclaredAccessibility != Accessibility.Public
                    || property.GetMethod is null || !compilation.IsSymbolAccessibleWithin(property.GetMethod, compilation.Assembly)
                    || HasAttribute(property, JsonIgnoreAttribute) || !names.Add(property.Name))
                {
                    continue;
                }

                properties.Add(property);
            }
        }

        var members = new List<DataMember>();
        var constructor = ChooseConstructor(type, properties, compilation);
        if (constructor is null)
        {
            return new DataMembers(null, members, properties.Count);
        }

        var parameterIndex = new Dictionary<string, int>();
        for (var i = 0; i < constructor.Parameters.Length; i++)
        {
            parameterIndex[constructor.Parameters[i].Name.ToUpperInvariant()] = i;
        }

        foreach (var property in properties)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (parameterIndex.TryGetValue(property.Name.ToUpperInvariant(), out var index))
            {
                var parameter = constructor.Parameters[index];
                members.Add(new DataMember(property, MemberInit.Constructor, !parameter.HasExplicitDefaultValue, parameter, index));
            }
            else if (property.SetMethod is { } setter && compilation.IsSymbolAccessibleWithin(setter, compilation.Assembly))
            {
                var acceptsNull = !property.Type.IsValueType && property.Type.NullableAnnotation != NullableAnnotation.NotAnnotated
                    || property.Type.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T;

                // An init-only property can only be set in the initializer, where an absent value would
                // overwrite its declared default: it is required unless null is an acceptable value.
                members.Add(property.IsRequired ? new DataMember(property, MemberInit.Initializer, true, null, -1)
                    : setter.IsInitOnly ? new DataMember(property, MemberInit.Initializer, !acceptsNull, null, -1)
                    : new DataMember(property, MemberInit.Assignment, false, null, -1));
            }

            // Otherwise get-only and not a constructor parameter: computed, so it is not part of the data.
        }

        return new DataMembers(constructor, members, properties.Count);
    }

    private static IMethodSymbol? ChooseConstructor(INamedTypeSymbol type, List<IPropertySymbol> properties, Compilation compilation)
    {
        var propertyNames = new HashSet<string>(properties.Select(p => p.Name.ToUpperInvariant()));
        var candidates = type.InstanceConstructors
            .Where(c => compilation.IsSymbolAccessibleWithin(c, compilation.Assembly))
            .Where(c => !(c.Parameters.Length == 1 && SymbolEqualityComparer.Default.Equals(c.Parameters[0].Type, type)))
            .ToList();

        bool Usable(IMethodSymbol c) => c.Parameters.All(p => p.RefKind == RefKind.None && propertyNames.Contains(p.Name.ToUpperInvariant()));

        var marked = candidates.FirstOrDefault(c => HasAttribute(c, JsonConstructorAttribute));
        if (marked is not null)
        {
            return Usable(marked) ? marked : null;
        }

        // Structs always have an implicit parameterless constructor; an explicit one wins over it.
        var explicitOnes = type.IsValueType ? candidates.Where(c => !c.IsImplicitlyDeclared).ToList() : candidates;
        var parameterless = candidates.FirstOrDefault(c => c.Parameters.Length == 0 && !(type.IsValueType && c.IsImplicitlyDeclared));
        if (parameterless is not null)
        {
            return parameterless;
        }

        var best = explicitOnes.Where(Usable).OrderByDescending(c => c.Parameters.Length).FirstOrDefault();
        return best ?? candidates.FirstOrDefault(c => c.Parameters.Length == 0);
    }

    private static string JsonName(IPropertySymbol property)
    {
        foreach (var attribute in property.GetAttributes())
        {
            if (attribute.AttributeClass?.ToDisplayString() == JsonPropertyNameAttribute
                && attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Value is string name && name.Length > 0)
            {
                return name;
            }
        }

        return CamelCase(property.Name);
    }

    private static bool HasAttribute(ISymbol symbol, string fullName) =>
        symbol.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == fullName);

    /// <summary>The C# expression of an optional constructor parameter's default value.</summary>
    private static string DefaultValue(IParameterSymbol parameter)
    {
        var type = parameter.Type.ToDisplayString(TypeFormat);
        var value = parameter.ExplicitDefaultValue;
        if (value is null)
        {
            return "default!";
        }

        if (parameter.Type.TypeKind == TypeKind.Enum)
        {
            return $"({type})({SymbolDisplay.FormatPrimitive(value, quoteStrings: true, useHexadecimalNumbers: false)})";
        }

        return value switch
        {
            string text => CodeText.Literal(text),
            char c => SymbolDisplay.FormatLiteral(c, quote: true),
            bool b => b ? "true" : "false",
            float f => f.ToString("R", CultureInfo.InvariantCulture) + "F",
            double d => d.ToString("R", CultureInfo.InvariantCulture) + "D",
            decimal m => m.ToString(CultureInfo.InvariantCulture) + "M",
            _ => $"({type})({System.Convert.ToString(value, CultureInfo.InvariantCulture)})",
        };
    }
}
