using Microsoft.CodeAnalysis;

namespace Amsha.Generators.Helpers;

/// <summary>Recognizes Amsha's marker attributes by metadata name, without resolving them in the compilation.</summary>
internal static class AmshaAttributes
{
    /// <summary>True when <paramref name="attributeClass"/> (or, for a generic attribute, its definition) is <c>Amsha.</c><paramref name="metadataName"/>.</summary>
    /// <param name="attributeClass">The attribute's class, as <see cref="AttributeData.AttributeClass"/> gives it.</param>
    /// <param name="metadataName">A name from <see cref="KnownNames"/>, e.g. <c>Amsha.CrewAttribute`1</c>.</param>
    public static bool Is(INamedTypeSymbol? attributeClass, string metadataName)
    {
        if (attributeClass is null)
        {
            return false;
        }

        var definition = attributeClass.OriginalDefinition;
        return definition.ContainingNamespace is { Name: "Amsha", ContainingNamespace.IsGlobalNamespace: true }
            && metadataName == "Amsha." + definition.MetadataName;
    }
}
