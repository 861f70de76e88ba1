# reef-test/vina (the autodock-vina catalog entry's image): reef-test/vm plus Debian's autodock-vina, installed at
# image build time. Cached by a hash of its inputs in the image's label: built once (about 30 s), then a no-op.
sh examples/autodock-vina/build-images.sh
