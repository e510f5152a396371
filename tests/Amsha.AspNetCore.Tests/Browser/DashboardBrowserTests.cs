using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using Amsha.AspNetCore.Tests.Dashboard;
using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Amsha.AspNetCore.Tests.Browser;

/// <summary>
/// The dashboard in a real headless Chromium against a real Kestrel server: an execution started through the API shows
/// up in the list, its page follows it live through the event stream, and Cancel stops it. No fixed waits: every step
/// waits for the page's DOM with Playwright's auto-retrying assertions.
/// </summary>
public sealed class DashboardBrowserTests
{
    private const string CrewName = "DashboardGateCrew";

    // Records every CSP violation, before any script of the page runs (init scripts are not subject to the page's CSP).
    private const string RecordCspViolations =
        "window.__cspViolations = []; document.addEventListener('securitypolicyviolation', e => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));";

    static DashboardBrowserTests() => SetDefaultExpectTimeout(20_000);

    [Fact]
    public async Task An_operator_follows_an_execution_live_and_cancels_it()
    {
        await using var host = await DashboardTestHost.StartAsync(kestrel: true);
        using var api = host.CreateClient("operator");

        // One execution that already succeeded (for a fuller list), then the one the test follows, held at its first task.
        var finished = await StartThroughApiAsync(api, "harbours");
        host.Model.Release(3);
        if (host.Session.FindRunning(finished) is { } running)
        {
            Assert.Equal(ExecutionStatus.Succeeded, await running.WaitAsync());
        }

        var id = await StartThroughApiAsync(api, "tides");

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var problems = new List<string>();
        var context = await NewContextAsync(browser, host, "operator", new ViewportSize { Width = 1280, Height = 900 });
        var page = await OpenAsync(context, problems);

        // The list shows the execution, live.
        await page.GotoAsync("/amsha/");
        var row = page.Locator($"tr[data-id='{id}']");
        await Expect(row).ToBeVisibleAsync();
        await Expect(row).ToHaveAttributeAsync("data-status", "running");
        await Expect(page.Locator($"tr[data-id='{finished}']")).ToHaveAttributeAsync("data-status", "succeeded");
        await Expect(page.Locator($"tr[data-id='{finished}'] [data-field=progress]")).ToHaveAttributeAsync("aria-valuenow", "3");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Screenshots.PathOf("dashboard-list.png"), FullPage = true });

        // Its page: running, nothing finished yet, the operator may cancel.
        await row.Locator("a").ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("#/executions/" + id + "$"));
        var status = page.Locator("[data-field=status]");
        var progress = page.Locator("main [data-field=progress]");
        await Expect(status).ToHaveAttributeAsync("data-status", "running");
        await Expect(progress).ToHaveAttributeAsync("aria-valuenow", "0");
        var cancel = page.Locator("button[data-action=cancel]");
        await Expect(cancel).ToBeVisibleAsync();
        await Expect(page.Locator("button[data-action=resume]")).ToBeHiddenAsync();

        // One task finishes: the page advances by itself, from the event stream.
        host.Model.Release(1);
        await Expect(progress).ToHaveAttributeAsync("aria-valuenow", "1");
        await Expect(page.Locator("[data-field=events] li[data-kind=taskCompleted]")).ToHaveCountAsync(1);
        await Expect(page.Locator("[data-field=tasks] li[data-task=DashboardOutline] .badge")).ToHaveAttributeAsync("data-status", "succeeded");
        await Expect(page.Locator("[data-field=chart] svg g[data-task=DashboardOutline] rect.bar-output")).ToHaveCountAsync(1);
        var executionShot = Screenshots.PathOf("dashboard-execution.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = executionShot, FullPage = true });

        // Cancel: the status turns Canceled, Cancel gives way to Resume.
        await cancel.ClickAsync();
        await Expect(status).ToHaveAttributeAsync("data-status", "canceled");
        await Expect(status).ToHaveTextAsync("Canceled");
        await Expect(cancel).ToBeHiddenAsync();
        await Expect(page.Locator("button[data-action=resume]")).ToBeVisibleAsync();
        await Expect(page.Locator("[data-field=events] li[data-kind=executionCanceled]")).ToHaveCountAsync(1);
        Assert.Equal(ExecutionStatus.Canceled, (await host.Session.GetExecutionAsync(id)).Status);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Screenshots.PathOf("dashboard-canceled.png"), FullPage = true });

        await AssertCleanAsync(page, problems);
        await context.CloseAsync();

        // A phone, 375 px wide: the list and the execution fit without scrolling sideways.
        var phone = await NewContextAsync(browser, host, "operator", new ViewportSize { Width = 375, Height = 812 }, isMobile: true);
        var phonePage = await OpenAsync(phone, problems);
        await phonePage.GotoAsync("/amsha/");
        await Expect(phonePage.Locator($"tr[data-id='{id}']")).ToHaveAttributeAsync("data-status", "canceled");
        await AssertNoHorizontalOverflowAsync(phonePage);
        await phonePage.ScreenshotAsync(new PageScreenshotOptions { Path = Screenshots.PathOf("dashboard-phone-list.png"), FullPage = true });
        await phonePage.Locator($"tr[data-id='{id}'] a").ClickAsync();
        await Expect(phonePage.Locator("[data-field=status]")).ToHaveAttributeAsync("data-status", "canceled");
        await Expect(phonePage.Locator("[data-field=chart] svg")).ToBeVisibleAsync();
        await AssertNoHorizontalOverflowAsync(phonePage);
        await phonePage.ScreenshotAsync(new PageScreenshotOptions { Path = Screenshots.PathOf("dashboard-phone.png"), FullPage = true });
        await AssertCleanAsync(phonePage, problems);
        await phone.CloseAsync();

        Screenshots.PublishToDocs(executionShot);
    }

    [Fact]
    public async Task A_viewer_sees_executions_without_the_operator_buttons()
    {
        await using var host = await DashboardTestHost.StartAsync(kestrel: true);
        using var api = host.CreateClient("operator");
        var id = await StartThroughApiAsync(api, "reefs");

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var problems = new List<string>();
        var context = await NewContextAsync(browser, host, "viewer", new ViewportSize { Width = 1024, Height = 768 });
        var page = await OpenAsync(context, problems);

        await page.GotoAsync($"/amsha/#/executions/{id}");
        await Expect(page.Locator("[data-field=status]")).ToHaveAttributeAsync("data-status", "running");
        await Expect(page.Locator("#user")).ToHaveTextAsync("viewer · read-only");
        await Expect(page.Locator("button[data-action=cancel]")).ToBeHiddenAsync();

        // The live view still follows it to the end.
        host.Model.Release(3);
        await Expect(page.Locator("[data-field=status]")).ToHaveAttributeAsync("data-status", "succeeded");
        await Expect(page.Locator("main [data-field=progress]")).ToHaveAttributeAsync("aria-valuenow", "3");
        await Expect(page.Locator("button[data-action=resume]")).ToBeHiddenAsync();
        await AssertCleanAsync(page, problems);
        await context.CloseAsync();
    }

    private static async Task<string> StartThroughApiAsync(HttpClient api, string topic)
    {
        using var content = new StringContent(JsonSerializer.Serialize(new Dictionary<string, string> { ["topic"] = topic }), Encoding.UTF8, "application/json");
        using var response = await api.PostAsync($"/amsha/api/crews/{CrewName}/executions", content);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"Starting an execution through the API answered {(int)response.StatusCode}: {body}");
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("id").GetString()!;
    }

    private static Task<IBrowser> LaunchAsync(IPlaywright playwright) =>
        // LaunchAsync gives every run a fresh, temporary user-data directory.
        playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium.FindExecutable(),
            Headless = true,
            Args = Chromium.Arguments,
            Timeout = 60_000,
        });

    private static async Task<IBrowserContext> NewContextAsync(IBrowser browser, DashboardTestHost host, string user, ViewportSize viewport, bool isMobile = false)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = host.Address,
            ViewportSize = viewport,
            IsMobile = isMobile,
            HasTouch = isMobile,
            DeviceScaleFactor = isMobile ? 2 : 1,
            Locale = "en-US",
            TimezoneId = "UTC",
            ColorScheme = ColorScheme.Light,
        });

        // The test scheme reads the user from this cookie: the page, its fetches and its EventSource all send it.
        await context.AddCookiesAsync([new Microsoft.Playwright.Cookie { Name = TestAuthenticationHandler.Cookie, Value = user, Url = host.Address }]);
        await context.AddInitScriptAsync(RecordCspViolations);
        return context;
    }

    private static async Task<IPage> OpenAsync(IBrowserContext context, List<string> problems)
    {
        var page = await context.NewPageAsync();
        page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning")
            {
                lock (problems)
                {
                    problems.Add($"console {message.Type}: {message.Text}");
                }
            }
        };
        page.PageError += (_, error) =>
        {
            lock (problems)
            {
                problems.Add("page error: " + error);
            }
        };
        return page;
    }

    private static async Task AssertCleanAsync(IPage page, List<string> problems)
    {
        var violations = await page.EvaluateAsync<string[]>("() => window.__cspViolations");
        Assert.Empty(violations);
        lock (problems)
        {
            Assert.Empty(problems);
        }
    }

    private static async Task AssertNoHorizontalOverflowAsync(IPage page)
    {
        var widths = await page.EvaluateAsync<int[]>("() => [document.scrollingElement.scrollWidth, window.innerWidth]");
        Assert.True(widths[0] <= widths[1], $"The page is {widths[0]} px wide in a {widths[1]} px viewport: it scrolls sideways.");
    }
}
