// Shared source: compiled into the generator and the runtime, so a prompt rendered by generated code and one
// rendered at run time (overlays, dynamic crews) have exactly the same wording.
namespace Amsha.Definitions;

/// <summary>The fixed wording around a task's texts: <c>You are {Role}.\nGoal: {Goal}\nBackstory: {Backstory}</c> and <c>Task: {Description}\n\nExpected output: {ExpectedOutput}</c>.</summary>
internal static class PromptLayout
{
    public const string BeforeRole = "You are ";
    public const string BeforeGoal = ".\nGoal: ";
    public const string BeforeBackstory = "\nBackstory: ";
    public const string BeforeDescription = "Task: ";
    public const string BeforeExpectedOutput = "\n\nExpected output: ";
}
