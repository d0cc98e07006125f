using System.Text;
using Herald.Diagnostics;

namespace Herald.Delivery;

/// <summary>
/// Where every publish enters the delivery path, whatever API it came from: validates, prepares the frame
/// once, hands it to the backplane and counts it.
/// </summary>
internal sealed class Publisher(IBackplane backplane, HubCounters counters, HeraldOptions options)
{
    /// <returns>Null when the message may be sent, else the reason it may not, naming the parameter.</returns>
    public string? ValidateMessage(string? message)
    {
        if (string.IsNullOrEmpty(message))
        {
            return "message is required and must not be empty";
        }

        // Cheap bound first: UTF-8 never takes more than 3 bytes per UTF-16 char.
        if (message.Length * 3L <= options.MaxMessageBytes)
        {
            return null;
        }

        var bytes = Encoding.UTF8.GetByteCount(message);
        return bytes > options.MaxMessageBytes
            ? $"message must be at most {options.MaxMessageBytes} bytes of UTF-8 (was {bytes})"
            : null;
    }

    public string? ValidateUserId(string? userId) => UserIdRules.Validate(userId, options.MaxUserIdLength);

    /// <summary>Sends <paramref name="message"/>, already validated, as a text frame to every connection of the user.</summary>
    /// <returns>How many connections it was queued for.</returns>
    public async ValueTask<int> SendToUserAsync(string userId, string message, CancellationToken cancellationToken)
    {
        var frame = OutboundFrame.Text(message);
        var queuedFor = await backplane.PublishToUserAsync(userId, frame, cancellationToken);
        counters.MessagePublished(queuedFor);
        return queuedFor;
    }
}
