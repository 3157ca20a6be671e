package dev.serveragent.channel;

/**
 * Told of every button press after it is stored, whatever the channel. The reactive loop
 * implements it (approvals). Called on the ingesting thread; must not block for long.
 */
@FunctionalInterface
public interface PressListener {
    void onPress(Press press);
}
