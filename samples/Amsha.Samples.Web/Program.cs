using System;
using System.IO;
using Amsha;
using Amsha.Samples.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

var builder = WebApplication.CreateBuilder(args);

// Amsha with the offline model: no key, no network, no configuration. Its latency and token delay make each task take
// a couple of seconds, so runs can be watched live. A real app registers a provider instead, e.g.
// builder.Services.AddAmsha().AddOpenAIProvider() (package Amsha.OpenAI) with an "Amsha:Llm" configuration section.
builder.Services.AddAmsha()
    .UseDefaultChatClient(new OfflineChatClient(new OfflineChatClientOptions
    {
        Latency = TimeSpan.FromSeconds(1.5),
        TokenDelay = TimeSpan.FromMilliseconds(25),
    }))
    // Background executions are stored in files, so they survive a restart and can be resumed from the dashboard.
    .UseStore(new FileExecutionStore(builder.Configuration["ExecutionStore"] ?? Path.Combine(Path.GetTempPath(), "amsha-samples-web", "executions")))
    // Stopping the app (Ctrl+C) stores running executions as Interrupted, resumable, instead of leaving them Running.
    .AddHostedLifetime()
    .AddAmshaCrews();
builder.Services.AddHealthChecks().AddAmsha();

// The executions API and the dashboard (antiforgery included).
builder.Services.AddAmshaDashboard();

// THE SAMPLE'S CHOICE, not a recommendation: whoever connects from this machine is signed in as "local operator" and
// may watch, start, cancel and resume executions; requests from anywhere else get 401. A real app signs users in with
// its own scheme (cookies, OpenID Connect, …) and names its own policies: one to see executions, one to operate them.
builder.Services.AddAuthentication(LocalUserAuthenticationHandler.SchemeName)
    .AddScheme<AuthenticationSchemeOptions, LocalUserAuthenticationHandler>(LocalUserAuthenticationHandler.SchemeName, null);
builder.Services.AddAuthorization(options =>
    options.AddPolicy(LocalUserAuthenticationHandler.PolicyName, policy => policy
        .RequireAuthenticatedUser()
        .RequireAssertion(context => context.Resource is HttpContext http && LocalUserAuthenticationHandler.IsLocal(http))));

// A few executions to look at when the dashboard opens (skip them with --no-demo).
if (Array.IndexOf(args, "--no-demo") < 0)
{
    builder.Services.AddHostedService<DemoExecutions>();
}

var app = builder.Build();

app.UseAuthentication();
app.UseAuthorization();

app.MapGet("/", context =>
{
    context.Response.Redirect(context.Request.PathBase + "/amsha/");
    return System.Threading.Tasks.Task.CompletedTask;
});
app.MapHealthChecks("/healthz");

app.MapAmshaExecutions("/amsha/api", options =>
{
    options.Policy = LocalUserAuthenticationHandler.PolicyName;
    options.OperatorPolicy = LocalUserAuthenticationHandler.PolicyName;
});
app.MapAmshaDashboard("/amsha", options =>
{
    options.ApiPrefix = "/amsha/api";
    options.Policy = LocalUserAuthenticationHandler.PolicyName;
    options.OperatorPolicy = LocalUserAuthenticationHandler.PolicyName;
    options.Title = "Amsha sample executions";
});

app.Run();
