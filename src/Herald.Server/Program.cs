var builder = WebApplication.CreateBuilder(args);

// The seed's address, unless --urls, URLS/ASPNETCORE_URLS, HTTP_PORTS or a Kestrel endpoint says otherwise.
if (string.IsNullOrEmpty(builder.Configuration["urls"])
    && string.IsNullOrEmpty(builder.Configuration["http_ports"])
    && string.IsNullOrEmpty(builder.Configuration["https_ports"])
    && !builder.Configuration.GetSection("Kestrel:Endpoints").Exists())
{
    builder.WebHost.UseUrls("http://localhost:8181");
}

builder.Services.AddHerald();

var app = builder.Build();
app.MapHerald();
app.Run();
