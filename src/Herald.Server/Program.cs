using Microsoft.Extensions.Options;

// Content root at the binary, so appsettings.json applies whatever directory the server is started from.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });

// The seed's address, unless --urls, URLS/ASPNETCORE_URLS, HTTP_PORTS or a Kestrel endpoint says otherwise.
if (string.IsNullOrEmpty(builder.Configuration["urls"])
    && string.IsNullOrEmpty(builder.Configuration["http_ports"])
    && string.IsNullOrEmpty(builder.Configuration["https_ports"])
    && !builder.Configuration.GetSection("Kestrel:Endpoints").Exists())
{
    builder.WebHost.UseUrls("http://localhost:8181");
}

// WebSockets on /ws are served straight on Kestrel's connections: about half the memory per idle connection.
builder.WebHost.UseHeraldDirectWebSockets();
builder.Services.AddHerald();

var app = builder.Build();
app.MapHerald();
try
{
    await app.StartAsync();
}
catch (Exception exception) when (exception is OptionsValidationException or InvalidOperationException or IOException)
{
    // Invalid or unreadable settings, or an address in use: the host has logged the details; end plainly, not with a crash dump.
    var reason = exception is OptionsValidationException invalid ? string.Join(" ", invalid.Failures) : exception.Message;
    await Console.Error.WriteLineAsync($"Herald did not start: {reason}");
    return 1;
}

await app.WaitForShutdownAsync();
return 0;
