using System.Collections.Generic;
using System.Linq;
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
        public static ToolboxModel? Parse(AttributeTarget context, CancellationToken cancellationToken)
        {
            if (context.TargetSymbol is not INamedTypeSymbol type || !IsExtended(type, cancellationToken))
            {
                return null;
            }

            var compilation = context.SemanticModel.Compilation;
            var prefix = GeneratedPrefix(type);
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
                DefinitionClass(type),
                GeneratedNames.FileName(TypeDeclarations.HintNamePrefix(type), ".Toolbox.g.cs"),
                hasDefaultConstructor,
                tools.ToEquatableArray(),
                EmitsCreateAIFunctions: CreateAIFunctionsClash(type) is null,
                HidesInheritedCreateAIFunctions: InheritsCreateAIFunctions(type, cancellationToken));
        }

        // A toolbox the generator extends: non-generic, not static, partial throughout, reachable from generated code.
        private static bool IsExtended(INamedTypeSymbol type, CancellationToken cancellationToken) =>
            !type.IsGenericType && !type.IsStatic && TypeDeclarations.AllPartial(type, cancellationToken) && Reachable(type);

        /// <summary>
        /// Whether a base type has a <c>CreateAIFunctions</c> the generated one hides: declared (a parameterless method or
        /// another member of that name, not private), or generated on it because it is a toolbox too. The generated method
        /// is then declared <c>new</c>, so a toolbox derived from another builds without CS0108.
        /// </summary>
        private static bool InheritsCreateAIFunctions(INamedTypeSymbol type, CancellationToken cancellationToken)
        {
            for (var current = type.BaseType; current is not null && current.SpecialType != SpecialType.System_Object; current = current.BaseType)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (current.GetMembers(CreateAIFunctions).Any(member => member.DeclaredAccessibility != Accessibility.Private && member is not IMethodSymbol { Parameters.Length: > 0 } and not IMethodSymbol { Arity: > 0 }))
                {
                    return true;
                }

                // Its method comes from this generator run, so it is not among its members yet.
                if (current.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == KnownNames.ToolboxAttribute)
                    && IsExtended(current.OriginalDefinition, cancellationToken) && CreateAIFunctionsClash(current) is null)
                {
                    return true;
                }
            }

            return false;
        }

        // One name per toolbox type for everything generated for it (its definition and its tools' classes).
        private static string GeneratedPrefix(INamedTypeSymbol type) =>
            GeneratedNames.Identifier(type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat).Replace("global::", ""));

        /// <summary>The generated <c>ToolboxDefinition</c> class of <paramref name="type"/> in <c>Amsha.Generated</c>; crews name it too.</summary>
        public static string DefinitionClass(INamedTypeSymbol type) => GeneratedPrefix(type) + "Toolbox";

        /// <summary>The name of the method generated on every toolbox class.</summary>
        public const string CreateAIFunctions = nameof(CreateAIFunctions);

        /// <summary>
        /// What the toolbox declares that the generated <c>CreateAIFunctions()</c> could not compile beside: a
        /// parameterless, non-generic method of that name, any other member of that name, or the class itself when it
        /// is so named. The generator then leaves its own out (the tools and the definition crews bind to are still
        /// generated); AMSHA016 reports it. Null when there is none: overloads with parameters or type parameters are fine.
        /// </summary>
        public static ISymbol? CreateAIFunctionsClash(INamedTypeSymbol type)
        {
            if (type.Name == CreateAIFunctions)
            {
                return type;
            }

            foreach (var member in type.GetMembers(CreateAIFunctions))
            {
                if (!member.IsImplicitlyDeclared && member is not IMethodSymbol { MethodKind: MethodKind.Ordinary, Parameters.Length: > 0 } and not IMethodSymbol { MethodKind: MethodKind.Ordinary, Arity: > 0 })
                {
                    return member;
                }
            }

            return null;
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

            // Unique within the toolbox; the arguments class, a type of its own, also ends in the tool name's hash when
            // that name is not all letters and digits, so Tools' "Extra_run" and Tools.Extra's "run" do not both make
            // Tools_Extra_runArguments.
            var identifier = UniqueIdentifier(name, identifiers);
            var argumentsClass = prefix + "_" + (name.All(char.IsLetterOrDigit) ? identifier : identifier + "_" + GeneratedNames.Hash(name)) + "Arguments";
            var problems = new List<SerializationProblem>();
            var codec = SerializationRules.DescribeArguments("global::Amsha.Generated." + argumentsClass, name, argumentsClass + "JsonCodec", parameters, compilation, problems, cancellationToken);
            if (codec is null || (result is not null && result.SpecialType != SpecialType.System_String && !SerializationRules.IsSerializable(result, compilation, SerializationRoot.CrewInput, cancellationToken)))
            {
                return null;
            }

            var description = Description(attribute, docs);
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
                AttributeArguments.Named(attribute, "Idempotent") is { Value: true })
            {
                RequiresApproval = HumanInputFacts.RequiresApproval(attribute),
            };
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

        /// <summary>The tool's description as the model reads it: <c>Description</c> when it is not blank, else the XML doc summary ("" when neither).</summary>
        public static string Description(IMethodSymbol method, AttributeData attribute, CancellationToken cancellationToken) =>
            Description(attribute, Documentation(method, cancellationToken));

        private static string Description(AttributeData attribute, string docs) =>
            AttributeArguments.String(attribute, "Description") is { } text && !string.IsNullOrWhiteSpace(text) ? text : Summary(docs) ?? "";

        // Doc comments are read with IndexOf scans that only move forward: time linear in the comment's length, and no
        // regular-expression timeout that could throw inside the generator.
        private static string? Param(string docs, string name)
        {
            var close = -1;
            for (var at = docs.IndexOf("<param", System.StringComparison.Ordinal); at >= 0; at = docs.IndexOf("<param", at + 6, System.StringComparison.Ordinal))
            {
                var tagEnd = docs.IndexOf('>', at);
                if (tagEnd < 0)
                {
                    return null;
                }

                // Searched again only once passed, so many opening tags before one closing tag cost one scan.
                if (close < tagEnd)
                {
                    close = docs.IndexOf("</param>", tagEnd, System.StringComparison.Ordinal);
                    if (close < 0)
                    {
                        return null; // no later <param> is closed either
                    }
                }

                if (NameOf(docs, at + 6, tagEnd) == name)
                {
                    return Clean(docs, tagEnd + 1, close);
                }
            }

            return null;
        }

        // The value of name="..." between start and end (the rest of a <param ...> tag).
        private static string? NameOf(string docs, int start, int end)
        {
            var attribute = docs.IndexOf("name", start, end - start, System.StringComparison.Ordinal);
            var open = attribute < 0 ? -1 : docs.IndexOf('"', attribute, end - attribute);
            var close = open < 0 ? -1 : docs.IndexOf('"', open + 1, end - open - 1);
            return close < 0 ? null : docs.Substring(open + 1, close - open - 1);
        }

        private static string? Summary(string docs)
        {
            var open = docs.IndexOf("<summary>", System.StringComparison.Ordinal);
            var close = open < 0 ? -1 : docs.IndexOf("</summary>", open, System.StringComparison.Ordinal);
            return close < 0 ? null : Clean(docs, open + "<summary>".Length, close);
        }

        // The text between start and end without tags ('<', at least one character, the first '>'), whitespace collapsed.
        private static string? Clean(string docs, int start, int end)
        {
            var text = new System.Text.StringBuilder(end - start);
            var nextGreater = start - 1; // the next '>' at or after a '<'; -1 once there is none
            for (var i = start; i < end; i++)
            {
                var c = docs[i];
                if (c == '<' && nextGreater != -1)
                {
                    if (nextGreater <= i)
                    {
                        nextGreater = docs.IndexOf('>', i + 1, end - i - 1);
                    }

                    if (nextGreater > i + 1)
                    {
                        i = nextGreater;
                        continue;
                    }
                }

                if (char.IsWhiteSpace(c))
                {
                    if (text.Length > 0 && text[text.Length - 1] != ' ')
                    {
                        text.Append(' ');
                    }

                    continue;
                }

                text.Append(c);
            }

            var plain = text.ToString().Trim();
            return plain.Length == 0 ? null : System.Net.WebUtility.HtmlDecode(plain);
        }
    }
}
