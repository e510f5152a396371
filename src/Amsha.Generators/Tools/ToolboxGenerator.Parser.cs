using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using Amsha.Generators.Helpers;
using Amsha.Generators.Serialization;
using Microsoft.CodeAnalysis;

namespace Amsha.Generators.Tools;

internal sealed partial class ToolboxGenerator
{
    /// <summary>Turns a <c>[Toolbox]</c> class into a model; tools it cannot bind are left out (the analyzers report why).</summary>
    internal static class Parser
    {
        private static readonly Regex ParamDoc = new(@"<param\s+name\s*=\s*""(?<name>[^""]+)""\s*>(?<text>.*?)</param>", RegexOptions.Singleline | RegexOptions.CultureInvariant, System.TimeSpan.FromSeconds(1));
        private static readonly Regex SummaryDoc = new(@"<summary>(?<text>.*?)</summary>", RegexOptions.Singleline | RegexOptions.CultureInvariant, System.TimeSpan.FromSeconds(1));
        private static readonly Regex Whitespace = new(@"\s+", RegexOptions.CultureInvariant, System.TimeSpan.FromSeconds(1));
        private static readonly Regex Tags = new(@"<[^>]+>", RegexOptions.CultureInvariant, System.TimeSpan.FromSeconds(1));

        public static ToolboxModel? Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            if (context.TargetSymbol is not INamedTypeSymbol type || type.IsGenericType || type.IsStatic || !TypeDeclarations.AllPartial(type, cancellationToken) || !Reachable(type))
            {
                return null;
            }

            var compilation = context.SemanticModel.Compilation;
            var prefix = SerializationRules.Identifier(type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat).Replace("global::", ""));
            var tools = new List<ToolModel>();
            var names = new HashSet<string>(System.StringComparer.Ordinal);
            var identifiers = new HashSet<string>(System.StringComparer.Ordinal);
            foreach (var member in type.GetMembers())
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (member is IMethodSymbol { MethodKind: MethodKind.Ordinary } method
                    && method.DeclaredAccessibility is Accessibility.Public or Accessibility.Internal or Accessibility.ProtectedOrInternal
                    && method.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == KnownNames.ToolAttribute) is { } attribute
                    && Tool(method, attribute, prefix, identifiers, compilation, cancellationToken) is { } tool
                    && names.Add(tool.Name))
                {
                    tools.Add(tool);
                }
            }

            var hasDefaultConstructor = !type.IsAbstract && type.InstanceConstructors.Any(c => c.Parameters.Length == 0 && c.DeclaredAccessibility is Accessibility.Public or Accessibility.Internal or Accessibility.ProtectedOrInternal);
            return new ToolboxModel(
                TypeDeclarations.Scope(type),
                type.Name,
                type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
                prefix + "Toolbox",
                TypeDeclarations.HintNamePrefix(type) + ".Toolbox.g.cs",
                hasDefaultConstructor,
                tools.ToEquatableArray());
        }

        /// <summary>The name a model calls <paramref name="method"/> by: the attribute's, or the method name without <c>Async</c>.</summary>
        public static string ToolName(IMethodSymbol method, AttributeData attribute) =>
            AttributeArguments.String(attribute, "Name") is { Length: > 0 } name
                ? name
                : method.Name.EndsWith("Async", System.StringComparison.Ordinal) && method.Name.Length > 5 ? method.Name.Substring(0, method.Name.Length - 5) : method.Name;

        private static ToolModel? Tool(IMethodSymbol method, AttributeData attribute, string prefix, HashSet<string> identifiers, Compilation compilation, CancellationToken cancellationToken)
        {
            if (method.IsGenericMethod || !TryReturn(method.ReturnType, out var returnKind, out var result))
            {
                return null;
            }

            var name = ToolName(method, attribute);
            var docs = Documentation(method, cancellationToken);
            var parameters = new List<ToolParameter>();
            var arguments = new List<string>();
            foreach (var parameter in method.Parameters)
            {
                if (parameter.RefKind != RefKind.None || parameter.IsParams)
                {
                    return null;
                }

                if (parameter.Type.ToDisplayString() == KnownNames.CancellationToken)
                {
                    arguments.Add("cancellationToken");
                    continue;
                }

                parameters.Add(new ToolParameter(parameter, Description(parameter) ?? Param(docs, parameter.Name)));
                arguments.Add("arguments." + SerializationRules.ArgumentProperty(parameter.Name));
            }

            var identifier = UniqueIdentifier(name, identifiers);
            var argumentsClass = prefix + "_" + identifier + "Arguments";
            var problems = new List<SerializationProblem>();
            var codec = SerializationRules.DescribeArguments("global::Amsha.Generated." + argumentsClass, name, argumentsClass + "JsonCodec", parameters, compilation, problems, cancellationToken);
            if (codec is null || (result is not null && result.SpecialType != SpecialType.System_String && !SerializationRules.IsSerializable(result, compilation, SerializationRoot.CrewInput, cancellationToken)))
            {
                return null;
            }

            var description = AttributeArguments.String(attribute, "Description") is { } text && !string.IsNullOrWhiteSpace(text) ? text : Summary(docs) ?? "";
            return new ToolModel(
                name,
                description,
                method.Name,
                method.IsStatic,
                arguments.ToEquatableArray(),
                returnKind,
                result?.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat.AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier)),
                identifier,
                argumentsClass,
                codec,
                AttributeArguments.Named(attribute, "Idempotent") is { Value: true });
        }

        // Tool names "web-search" and "web_search" are different tools but the same identifier: the second gets a suffix.
        private static string UniqueIdentifier(string name, HashSet<string> used)
        {
            var identifier = SerializationRules.Identifier(name);
            var unique = identifier;
            for (var n = 2; !used.Add(unique); n++)
            {
                unique = identifier + "_" + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            return unique;
        }

        /// <summary>Classifies a tool's return type: void, a value, Task/ValueTask, or Task/ValueTask of a value.</summary>
        public static bool TryReturn(ITypeSymbol type, out ToolReturnKind kind, out ITypeSymbol? result)
        {
            result = null;
            kind = ToolReturnKind.Void;
            if (type.SpecialType == SpecialType.System_Void)
            {
                return true;
            }

            if (type.TypeKind is TypeKind.Error or TypeKind.TypeParameter or TypeKind.Pointer or TypeKind.FunctionPointer or TypeKind.Dynamic)
            {
                return false;
            }

            switch (type.OriginalDefinition.ToDisplayString())
            {
                case "System.Threading.Tasks.Task":
                case "System.Threading.Tasks.ValueTask":
                    kind = ToolReturnKind.Awaitable;
                    return true;
                case "System.Threading.Tasks.Task<TResult>":
                case "System.Threading.Tasks.ValueTask<TResult>":
                    result = ((INamedTypeSymbol)type).TypeArguments[0];
                    kind = ToolReturnKind.AwaitableValue;
                    return result.TypeKind is not (TypeKind.Error or TypeKind.TypeParameter or TypeKind.Dynamic);
                default:
                    result = type;
                    kind = ToolReturnKind.Value;
                    return true;
            }
        }

        // A type generated code in Amsha.Generated can name: no private or protected type on the way out.
        private static bool Reachable(INamedTypeSymbol type)
        {
            for (var current = type; current is not null; current = current.ContainingType)
            {
                if (current.IsFileLocal || current.DeclaredAccessibility is not (Accessibility.Public or Accessibility.Internal or Accessibility.ProtectedOrInternal))
                {
                    return false;
                }
            }

            return true;
        }

        private static string? Description(IParameterSymbol parameter) =>
            parameter.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == KnownNames.DescriptionAttribute) is { ConstructorArguments.Length: 1 } description
            && description.ConstructorArguments[0].Value is string { Length: > 0 } text
                ? text
                : null;

        // The method's XML doc comment as written (with or without documentation parsing on): the lines after "///".
        private static string Documentation(IMethodSymbol method, CancellationToken cancellationToken)
        {
            var text = new System.Text.StringBuilder();
            foreach (var reference in method.DeclaringSyntaxReferences)
            {
                foreach (var trivia in reference.GetSyntax(cancellationToken).GetLeadingTrivia())
                {
                    foreach (var line in trivia.ToFullString().Split('\n'))
                    {
                        var trimmed = line.Trim();
                        if (trimmed.StartsWith("///", System.StringComparison.Ordinal))
                        {
                            text.Append(trimmed.Substring(3)).Append(' ');
                        }
                    }
                }
            }

            return text.ToString();
        }

        private static string? Param(string docs, string name)
        {
            foreach (Match match in ParamDoc.Matches(docs))
            {
                if (match.Groups["name"].Value == name)
                {
                    return Clean(match.Groups["text"].Value);
                }
            }

            return null;
        }

        private static string? Summary(string docs) => SummaryDoc.Match(docs) is { Success: true } match ? Clean(match.Groups["text"].Value) : null;

        private static string? Clean(string text)
        {
            var plain = Whitespace.Replace(Tags.Replace(text, ""), " ").Trim();
            return plain.Length == 0 ? null : System.Net.WebUtility.HtmlDecode(plain);
        }
    }
}
