using System.Net;
using Herald.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Herald.Tests.Auth;

/// <summary>Herald's access control inside an app: the app's own scheme and policies, and whatever middleware the app has or lacks.</summary>
public sealed class AppAuthorizationTests
{
    private const string SendPath = "/send?uid=123&message=hi";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task PublishPolicy_RegisteredByTheApp_ReplacesHeraldsWhicheverComesFirst(bool appFirst)
    {
        static void AppAuthorization(IServiceCollection services)
        {
            services.AddAuthentication(options => options.AddScheme<HeaderUserHandler>(HeaderUserHandler.Scheme, null));
            services.AddAuthorizationBuilder().AddPolicy(HeraldApiAuthorization.PublishPolicy, policy => policy.AddAuthenticationSchemes(HeaderUserHandler.Scheme).RequireUserName("alice"));
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(TestApiKeys.Settings());
        if (appFirst)
        {
            AppAuthorization(builder.Services);
        }

        builder.Services.AddHerald();
        if (!appFirst)
        {
            AppAuthorization(builder.Services);
        }

        await using var app = builder.Build();
        app.MapHerald();
        await app.StartAsync(Cancellation);
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };

        using var alice = await http.SendAsync(WithUser(SendPath, "alice"), Cancellation);
        using var bob = await http.SendAsync(WithUser(SendPath, "bob"), Cancellation);
        using var nobody = await http.GetAsync(SendPath, Cancellation);
        using var heraldKey = await http.SendAsync(TestApiKeys.Bearer(HttpMethod.Get, SendPath, TestApiKeys.Ops), Cancellation);
        using var adminWithKey = await http.SendAsync(TestApiKeys.Bearer(HttpMethod.Get, "/api/v1/stats", TestApiKeys.Ops), Cancellation);
        using var adminAsAlice = await http.SendAsync(WithUser("/api/v1/stats", "alice"), Cancellation);

        Assert.Equal(HttpStatusCode.OK, alice.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, bob.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, nobody.StatusCode);
        Assert.Equal("app", nobody.Headers.GetValues("X-Challenged-By").Single());
        Assert.Equal(HttpStatusCode.Unauthorized, heraldKey.StatusCode);
        Assert.Equal(HttpStatusCode.OK, adminWithKey.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, adminAsAlice.StatusCode);
    }

    [Fact]
    public async Task AppsOnlyScheme_AfterAddHerald_StaysTheAppsDefault()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddAuthentication(options => options.AddScheme<HeaderUserHandler>(HeaderUserHandler.Scheme, null));
        builder.Services.AddHerald();
        await using var app = builder.Build();
        app.MapGet("/me", (HttpContext context) => context.User.Identity!.Name).RequireAuthorization();
        app.MapHerald();
        await app.StartAsync(Cancellation);
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };

        using var me = await http.SendAsync(WithUser("/me", "alice"), Cancellation);
        using var anonymous = await http.GetAsync("/me", Cancellation);

        // Without a default scheme, RequireAuthorization() would have no scheme to authenticate or challenge with.
        Assert.Equal("alice", await me.Content.ReadAsStringAsync(Cancellation));
        Assert.Equal("app", anonymous.Headers.GetValues("X-Challenged-By").Single());
    }

    [Fact]
    public async Task MapHerald_AppWithoutAuthenticationOrAuthorizationMiddleware_IsStillProtected()
    {
        // A classic pipeline with UseRouting and UseEndpoints and nothing between them: ASP.NET Core adds no middleware here.
        using var host = new HostBuilder()
            .ConfigureAppConfiguration(configuration => configuration.AddInMemoryCollection(TestApiKeys.Settings()))
            .ConfigureWebHost(web => web
                .UseKestrel()
                .UseUrls("http://127.0.0.1:0")
                .ConfigureServices(services => services.AddRouting().AddHerald())
                .Configure(app => app.UseRouting().UseEndpoints(endpoints => endpoints.MapHerald())))
            .Build();
        await host.StartAsync(Cancellation);
        var address = host.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses.Single();
        using var http = new HttpClient { BaseAddress = new Uri(address) };

        using var anonymous = await http.GetAsync(SendPath, Cancellation);
        using var withKey = await http.SendAsync(TestApiKeys.Bearer(HttpMethod.Get, SendPath, TestApiKeys.Backend), Cancellation);
        using var wrongScope = await http.SendAsync(TestApiKeys.Bearer(HttpMethod.Get, "/api/v1/stats", TestApiKeys.Backend), Cancellation);
        await host.StopAsync(Cancellation);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.OK, withKey.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, wrongScope.StatusCode);
    }

    [Fact]
    public async Task MapHerald_InAFullWebApplication_IsProtected()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(TestApiKeys.Settings());
        builder.Services.AddHerald();
        await using var app = builder.Build();
        app.MapHerald();
        await app.StartAsync(Cancellation);
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };

        using var anonymous = await http.GetAsync(SendPath, Cancellation);
        using var withKey = await http.SendAsync(TestApiKeys.ApiKeyHeader(HttpMethod.Get, SendPath, TestApiKeys.Backend), Cancellation);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.OK, withKey.StatusCode);
    }

    [Fact]
    public async Task MapHeraldGroup_AppsOwnRequirement_AppliesOnTopOfHeralds()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(TestApiKeys.Settings());
        builder.Services.AddHerald();
        builder.Services.AddAuthorizationBuilder().AddPolicy("BusinessHours", policy => policy.RequireAssertion(context => context.Resource is HttpContext http && http.Request.Headers.ContainsKey("X-Open")));
        await using var app = builder.Build();
        app.MapHerald().RequireAuthorization("BusinessHours");
        await app.StartAsync(Cancellation);
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };

        using var keyOnly = await http.SendAsync(TestApiKeys.Bearer(HttpMethod.Get, SendPath, TestApiKeys.Backend), Cancellation);
        using var open = TestApiKeys.Bearer(HttpMethod.Get, SendPath, TestApiKeys.Backend);
        open.Headers.Add("X-Open", "1");
        using var both = await http.SendAsync(open, Cancellation);

        Assert.Equal(HttpStatusCode.Forbidden, keyOnly.StatusCode);
        Assert.Contains("The API key 'backend' may not call GET /send.", await keyOnly.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, both.StatusCode);
    }

    [Fact]
    public async Task AppsPolicyOnHeraldsScheme_NoKeyConfigured_Returns401SayingNoneIsConfigured()
    {
        await using var server = await HeraldTestServer.StartAsync(configureBuilder: builder => builder.Services.AddAuthorizationBuilder()
            .AddPolicy(HeraldApiAuthorization.PublishPolicy, policy => policy.AddAuthenticationSchemes(HeraldApiAuthorization.AuthenticationScheme).RequireAuthenticatedUser()));

        using var response = await server.Http.GetAsync(SendPath, Cancellation);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("This server has none configured. Configure a key:", await response.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);
    }

    private static HttpRequestMessage WithUser(string path, string user)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-User", user);
        return request;
    }
}
