package dev.vigil.inference;

/** A TfLiteDelegate* made outside JavaCPP (through FFM), owned by this object and freed by {@link #close()}. */
public interface NativeDelegate extends AutoCloseable {

    /** Address of the TfLiteDelegate struct. */
    long address();

    /** Short name for logs and status, e.g. "xnnpack-ffm(qu8,qs8)" or "edgetpu(usb:0)". */
    String name();

    @Override
    void close();
}
