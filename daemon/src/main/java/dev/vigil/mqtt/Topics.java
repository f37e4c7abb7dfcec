package dev.vigil.mqtt;

/** Every topic vigil publishes or listens to, under the configured prefix (the README's table lists them). */
record Topics(String prefix) {

    String available() { return prefix + "/available"; }

    String status() { return prefix + "/status"; }

    String events() { return prefix + "/events"; }

    String datasetUploaded() { return prefix + "/dataset/uploaded"; }

    String cameraState(String camera) { return prefix + "/" + camera + "/state"; }

    String group(String camera, String group) { return prefix + "/" + camera + "/" + group; }

    String snapshot(String camera, String group) { return group(camera, group) + "/snapshot"; }

    /** The newest snapshot of the camera, whatever group: the Home Assistant image entity. */
    String cameraSnapshot(String camera) { return prefix + "/" + camera + "/snapshot"; }

    String alarm(String camera) { return prefix + "/" + camera + "/alarm"; }

    String qc(String camera) { return prefix + "/" + camera + "/qc"; }

    String qcCounts(String camera) { return qc(camera) + "/counts"; }

    String armed(String camera) { return prefix + "/" + camera + "/armed"; }

    String detect(String camera) { return prefix + "/" + camera + "/detect"; }

    /** The live model and its last change (retained); {@code model/deploy} puts another one in. */
    String model() { return prefix + "/model"; }

    String modelDeploy() { return prefix + "/model/deploy"; }

    /** Commands: {@code <prefix>/+/armed/set} and the others, each answered on {@code <prefix>/result}. */
    String result() { return prefix + "/result"; }

    String commands() { return prefix + "/#"; }
}
