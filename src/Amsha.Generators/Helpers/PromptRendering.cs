using System;
using System.Collections.Generic;
using System.Text;
using Amsha.Definitions;
using Amsha.Generators.Templates;

namespace Amsha.Generators.Helpers;

/// <summary>
/// A task's two prompts as literal and input-member parts, in the fixed <see cref="PromptLayout"/> wording: the
/// system prompt from the agent's texts, the user prompt from the task's. Crews declared with attributes and crews
/// read from definition files render through here; they differ only in how a template is bound.
/// </summary>
internal static class PromptRendering
{
    /// <summary><c>You are {Role}.\nGoal: {Goal}\nBackstory: {Backstory}</c>; null when a template does not bind.</summary>
    /// <param name="bind">Binds one template: its parts, or null when it is malformed or names an unknown member.</param>
    public static List<TemplatePart>? System(Func<string, List<TemplatePart>?> bind, string role, string goal, string backstory) =>
        Render(bind, (PromptLayout.BeforeRole, false), (role, true), (PromptLayout.BeforeGoal, false), (goal, true), (PromptLayout.BeforeBackstory, false), (backstory, true));

    /// <summary><c>Task: {Description}\n\nExpected output: {ExpectedOutput}</c> (context sections are appended at run time); null when a template does not bind.</summary>
    public static List<TemplatePart>? User(Func<string, List<TemplatePart>?> bind, string description, string expectedOutput) =>
        Render(bind, (PromptLayout.BeforeDescription, false), (description, true), (PromptLayout.BeforeExpectedOutput, false), (expectedOutput, true));

    /// <summary>Fixed wording and bound templates in order, adjacent literal text merged into one part.</summary>
    private static List<TemplatePart>? Render(Func<string, List<TemplatePart>?> bind, params (string Text, bool IsTemplate)[] pieces)
    {
        var parts = new List<TemplatePart>();
        var literal = new StringBuilder();
        foreach (var (text, isTemplate) in pieces)
        {
            var bound = isTemplate ? bind(text) : new List<TemplatePart> { new(false, text) };
            if (bound is null)
            {
                return null;
            }

            foreach (var part in bound)
            {
                if (!part.IsValue)
                {
                    literal.Append(part.Text);
                    continue;
                }

                if (literal.Length > 0)
                {
                    parts.Add(new TemplatePart(false, literal.ToString()));
                    literal.Clear();
                }

                parts.Add(part);
            }
        }

        if (literal.Length > 0)
        {
            parts.Add(new TemplatePart(false, literal.ToString()));
        }

        return parts;
    }
}
