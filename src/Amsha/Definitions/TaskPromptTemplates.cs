using System;
using System.Collections.Generic;
using System.Text;
using Amsha.Definitions;
using Amsha.Generated;

namespace Amsha;

/// <summary>A task's five templates, parsed once, rendered into a prompt exactly as generated prompt builders render theirs.</summary>
internal sealed class TaskPromptTemplates
{
    private readonly PromptTemplate _role;
    private readonly PromptTemplate _goal;
    private readonly PromptTemplate _backstory;
    private readonly PromptTemplate _description;
    private readonly PromptTemplate _expectedOutput;

    public TaskPromptTemplates(PromptTemplate role, PromptTemplate goal, PromptTemplate backstory, PromptTemplate description, PromptTemplate expectedOutput)
    {
        _role = role;
        _goal = goal;
        _backstory = backstory;
        _description = description;
        _expectedOutput = expectedOutput;
    }

    /// <summary>The placeholder names of all five templates.</summary>
    public IEnumerable<string> Placeholders
    {
        get
        {
            foreach (var template in new[] { _role, _goal, _backstory, _description, _expectedOutput })
            {
                foreach (var (isPlaceholder, text) in template.Parts)
                {
                    if (isPlaceholder)
                    {
                        yield return text;
                    }
                }
            }
        }
    }

    /// <summary>A prompt builder: the texts with <paramref name="resolve"/> filling placeholders, then a context section per dependency.</summary>
    public Func<TInput, CrewTaskContext, TaskPrompt> Builder<TInput>(Func<TInput, string, string> resolve, IReadOnlyList<int> dependsOn) => (input, context) =>
    {
        var system = new StringBuilder(PromptLayout.BeforeRole);
        _role.AppendTo(system, input, resolve);
        system.Append(PromptLayout.BeforeGoal);
        _goal.AppendTo(system, input, resolve);
        system.Append(PromptLayout.BeforeBackstory);
        _backstory.AppendTo(system, input, resolve);

        var user = new StringBuilder(PromptLayout.BeforeDescription);
        _description.AppendTo(user, input, resolve);
        user.Append(PromptLayout.BeforeExpectedOutput);
        _expectedOutput.AppendTo(user, input, resolve);
        foreach (var dependency in dependsOn)
        {
            context.AppendContext(user, dependency);
        }

        return new TaskPrompt(system.ToString(), user.ToString());
    };
}
