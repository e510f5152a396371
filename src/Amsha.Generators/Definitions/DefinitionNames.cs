using System.Collections.Generic;
using System.Text;
using Amsha.Generators.Helpers;
using Microsoft.CodeAnalysis.CSharp;

namespace Amsha.Generators.Definitions;

/// <summary>C# names for things named in definition files, whose names are free text (<c>research_crew</c>, <c>Research Task</c>).</summary>
internal static class DefinitionNames
{
    /// <summary>The members every generated crew has: a crew class cannot have one of these names (CS0542).</summary>
    private static readonly HashSet<string> s_crewMemberNames = new() { "RunAsync", "Start", "StartBackground", "StartBackgroundAsync", "Resume", "ResumeAsync", "Definition" };

    /// <summary>
    /// The class generated for a crew: its name in PascalCase (<c>research_crew</c> → <c>ResearchCrew</c>): words split at
    /// every character an identifier cannot hold, each word's first letter upper-cased, the rest kept. A name that starts
    /// with a digit gets a leading <c>_</c>; a name that is one of the crew's own member names gets the suffix <c>Crew</c>.
    /// </summary>
    public static string ClassName(string crewName)
    {
        var name = Pascal(crewName);
        if (!SyntaxFacts.IsValidIdentifier(name))
        {
            return "DefinedCrew";
        }

        return s_crewMemberNames.Contains(name) ? name + "Crew" : name;
    }

    /// <summary>
    /// The prompt builder of a task: <c>Build{Task}Prompt</c> with the task's name in PascalCase, unique within the crew
    /// (a number added after a clash, <paramref name="taken"/> records it) and never the class name itself.
    /// </summary>
    public static string PromptMethodName(string taskName, string className, HashSet<string> taken)
    {
        var core = Pascal(taskName).TrimStart('_');
        var baseName = "Build" + (core.Length == 0 || char.IsDigit(core[0]) ? "Task" + core : core) + "Prompt";
        if (!SyntaxFacts.IsValidIdentifier(baseName))
        {
            baseName = "BuildTaskPrompt";
        }

        var name = baseName;
        for (var suffix = 2; name == className || !taken.Add(name); suffix++)
        {
            name = baseName + suffix.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return name;
    }

    /// <summary>True when <paramref name="name"/> is a namespace name generated code can open: dotted identifiers, no keywords.</summary>
    public static bool IsNamespace(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return false;
        }

        foreach (var part in name!.Split('.'))
        {
            if (!SyntaxFacts.IsValidIdentifier(part) || SyntaxFacts.GetKeywordKind(part) != SyntaxKind.None)
            {
                return false;
            }
        }

        return true;
    }

    private static string Pascal(string text)
    {
        var builder = new StringBuilder(text.Length);
        var startOfWord = true;
        foreach (var c in text)
        {
            // Letters and digits make identifiers everywhere (also beyond ASCII); everything else separates words.
            if (!char.IsLetterOrDigit(c))
            {
                startOfWord = true;
                continue;
            }

            builder.Append(startOfWord ? char.ToUpperInvariant(c) : c);
            startOfWord = false;
        }

        if (builder.Length > 0 && char.IsDigit(builder[0]))
        {
            builder.Insert(0, '_');
        }

        return builder.ToString();
    }
}
