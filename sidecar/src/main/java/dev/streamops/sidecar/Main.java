package dev.streamops.sidecar;

public final class Main {
    public static void main(String[] args) {
    }
}
