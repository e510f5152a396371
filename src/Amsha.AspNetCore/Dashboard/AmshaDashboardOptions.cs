namespace Amsha.AspNetCore;

/// <summary>Options of the executions dashboard mapped by <c>MapAmshaDashboard</c>.</summary>
public sealed class AmshaDashboardOptions
{
    /// <summary>
    /// The path the executions API is mapped at (<c>MapAmshaExecutions</c>'s prefix), relative to the app's path base;
    /// the page calls it from the same origin. Default <c>/amsha/api</c>.
    /// </summary>
    public string ApiPrefix { get; set; } = "/amsha/api";

    /// <summary>
    /// The authorization policy every dashboard route requires (page, assets, session, actions); null: the app's
    /// default policy (an authenticated user). Nothing of the dashboard is anonymous.
    /// </summary>
    public string? Policy { get; set; }

    /// <summary>
    /// The policy a user must also satisfy to cancel or resume executions from the dashboard (the page hides its
    /// buttons otherwise); null: <see cref="Policy"/> alone. Use the API's <c>OperatorPolicy</c> here too.
    /// </summary>
    public string? OperatorPolicy { get; set; }

    /// <summary>The page's title and heading. Default <c>Amsha executions</c>.</summary>
    public string Title { get; set; } = "Amsha executions";
}
