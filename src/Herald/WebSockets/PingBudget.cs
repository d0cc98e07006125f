namespace Herald.WebSockets;

/// <summary>
/// How many keep-alive pings one sweep may queue. Connections that arrived together (a deploy, a network blip)
/// fall silent together, and pinging thousands of them in one sweep would queue their pings ahead of the messages
/// being published; the rest wait for the next sweep, which spreads the pings out for good.
/// </summary>
internal struct PingBudget(int allowed)
{
    public int Sent { get; private set; }

    public int Deferred { get; private set; }

    public bool TryTake()
    {
        if (Sent < allowed)
        {
            Sent++;
            return true;
        }

        Deferred++;
        return false;
    }
}
